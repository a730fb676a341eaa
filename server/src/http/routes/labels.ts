import { Router } from 'express';
import { CreateLabelBody, Id, UpdateLabelBody } from '@kanban/shared';
import { createLabel, deleteLabel, updateLabel } from '../../commands/labels';
import type { CommandDeps } from '../../commands/deps';
import { parse } from '../validate';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function labelRoutes(deps: Omit<CommandDeps, 'actor'>): Router {
  const r = Router();
  r.get('/boards/:id/labels', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    const data = await deps.db
      .selectFrom('labels')
      .selectAll()
      .where('board_id', '=', id)
      .orderBy('name')
      .execute();
    res.json({ data });
  });
  r.post('/boards/:id/labels', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.status(201).json(await createLabel(as(deps, res), id, parse(CreateLabelBody, req.body)));
  });
  r.patch('/labels/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await updateLabel(as(deps, res), id, parse(UpdateLabelBody, req.body)));
  });
  r.delete('/labels/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteLabel(as(deps, res), id));
  });
  return r;
}
