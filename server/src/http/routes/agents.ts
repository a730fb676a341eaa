import { Router } from 'express';
import { CreateAgentBody, Id, UpdateAgentBody } from '@kanban/shared';
import { createAgent, deleteAgent, listAgents, updateAgent } from '../../commands/agents';
import type { CommandDeps } from '../../commands/deps';
import { parse } from '../validate';
import { checkModel, type WithModels } from '../model-field';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

// After each change the board's viewers hear `agents.changed` (the board UI reads agents by
// REST, not a shape: docs/agents.md); with no agent pipeline there are no sockets to tell.
export function agentRoutes(deps: Omit<CommandDeps, 'actor'> & WithModels): Router {
  const r = Router();
  const changed = (boardId: string) => deps.agents?.agentsChanged(boardId);
  r.get('/boards/:id/agents', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    res.json({ data: await listAgents(deps.db, id) });
  });
  r.post('/boards/:id/agents', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(CreateAgentBody, req.body);
    checkModel(deps.models, body.model, 'body.model');
    const out = await createAgent(as(deps, res), id, body);
    changed(id);
    res.status(201).json(out);
  });
  r.patch('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(UpdateAgentBody, req.body);
    checkModel(deps.models, body.model, 'body.model');
    const out = await updateAgent(as(deps, res), id, body);
    changed(out.data.board_id);
    res.json(out);
  });
  r.delete('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const out = await deleteAgent(as(deps, res), id);
    changed(out.data.boardId);
    res.json(out);
  });
  return r;
}
