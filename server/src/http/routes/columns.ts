import { Router } from 'express';
import { CreateColumnBody, DeleteColumnQuery, Id, MoveColumnBody, UpdateColumnBody } from '@kanban/shared';
import { createColumn } from '../../commands/create-column';
import { deleteColumn } from '../../commands/delete-column';
import { moveColumn } from '../../commands/move-column';
import { updateColumn } from '../../commands/update-column';
import type { CommandDeps } from '../../commands/deps';
import { findBoard, listColumns } from '../../db/queries';
import { NotFound } from '../../commands/errors';
import { parse } from '../validate';

export function columnRoutes(deps: CommandDeps): Router {
  const r = Router();
  r.get('/boards/:id/columns', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    if (!(await findBoard(deps.db, id))) throw new NotFound('board', id);
    res.json({ data: await listColumns(deps.db, id) });
  });
  r.post('/boards/:id/columns', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.status(201).json(await createColumn(deps, id, parse(CreateColumnBody, req.body)));
  });
  r.patch('/columns/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await updateColumn(deps, id, parse(UpdateColumnBody, req.body)));
  });
  r.post('/columns/:id/move', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await moveColumn(deps, id, parse(MoveColumnBody, req.body)));
  });
  r.delete('/columns/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteColumn(deps, id, parse(DeleteColumnQuery, req.query, 'query')));
  });
  return r;
}
