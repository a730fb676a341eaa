import { Router } from 'express';
import { CreateAgentBody, Id, UpdateAgentBody } from '@kanban/shared';
import { createAgent, deleteAgent, listAgents, updateAgent } from '../../commands/agents';
import type { CommandDeps } from '../../commands/deps';
import { parse } from '../validate';
import { checkModel, type WithModels } from '../model-field';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function agentRoutes(deps: Omit<CommandDeps, 'actor'> & WithModels): Router {
  const r = Router();
  r.get('/boards/:id/agents', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    res.json({ data: await listAgents(deps.db, id) });
  });
  r.post('/boards/:id/agents', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(CreateAgentBody, req.body);
    checkModel(deps.models, body.model, 'body.model');
    res.status(201).json(await createAgent(as(deps, res), id, body));
  });
  r.patch('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(UpdateAgentBody, req.body);
    checkModel(deps.models, body.model, 'body.model');
    res.json(await updateAgent(as(deps, res), id, body));
  });
  r.delete('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteAgent(as(deps, res), id));
  });
  return r;
}
