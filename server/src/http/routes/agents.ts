import { Router } from 'express';
import { CreateAgentBody, Id, UpdateAgentBody } from '@kanban/shared';
import { createAgent, deleteAgent, listAgents, updateAgent } from '../../commands/agents';
import type { CommandDeps } from '../../commands/deps';
import { parse } from '../validate';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function agentRoutes(deps: Omit<CommandDeps, 'actor'>): Router {
  const r = Router();
  r.get('/boards/:id/agents', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    res.json({ data: await listAgents(deps.db, id) });
  });
  r.post('/boards/:id/agents', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.status(201).json(await createAgent(as(deps, res), id, parse(CreateAgentBody, req.body)));
  });
  r.patch('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await updateAgent(as(deps, res), id, parse(UpdateAgentBody, req.body)));
  });
  r.delete('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteAgent(as(deps, res), id));
  });
  return r;
}
