import { Router } from 'express';
import { CreateColumnBody, DeleteColumnQuery, Id, MoveColumnBody, UpdateColumnBody } from '@kanban/shared';
import { createColumn } from '../../commands/create-column';
import { deleteColumn } from '../../commands/delete-column';
import { moveColumn } from '../../commands/move-column';
import { updateColumn } from '../../commands/update-column';
import { archiveColumn } from '../../commands/archive';
import type { CommandDeps } from '../../commands/deps';
import { listColumns } from '../../db/queries';
import { parse } from '../validate';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function columnRoutes(deps: Omit<CommandDeps, 'actor'>): Router {
  const r = Router();
  r.get('/boards/:id/columns', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    res.json({ data: await listColumns(deps.db, id) });
  });
  r.post('/boards/:id/columns', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.status(201).json(await createColumn(as(deps, res), id, parse(CreateColumnBody, req.body)));
  });
  r.patch('/columns/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await updateColumn(as(deps, res), id, parse(UpdateColumnBody, req.body)));
  });
  r.post('/columns/:id/move', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await moveColumn(as(deps, res), id, parse(MoveColumnBody, req.body)));
  });
  r.post('/columns/:id/archive', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await archiveColumn(as(deps, res), id, true));
  });
  r.post('/columns/:id/restore', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await archiveColumn(as(deps, res), id, false));
  });
  r.delete('/columns/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteColumn(as(deps, res), id, parse(DeleteColumnQuery, req.query, 'query')));
  });
  return r;
}
