import { Router } from 'express';
import { CreateBoardBody, Id, UpdateBoardBody } from '@kanban/shared';
import { createBoard } from '../../commands/create-board';
import { deleteBoard } from '../../commands/delete-board';
import { updateBoard } from '../../commands/update-board';
import type { CommandDeps } from '../../commands/deps';
import { findBoard, listBoards, listColumns } from '../../db/queries';
import { NotFound } from '../../commands/errors';
import { parse } from '../validate';
import { checkModel, type WithModels } from '../model-field';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function boardRoutes(deps: Omit<CommandDeps, 'actor'> & WithModels): Router {
  const r = Router();
  r.get('/boards', async (_req, res) => {
    res.json({ data: await listBoards(deps.db, actorOf(res).userId) });
  });
  r.post('/boards', async (req, res) => {
    const body = parse(CreateBoardBody, req.body);
    checkModel(deps.models, body.settings?.defaultModel, 'body.settings.defaultModel');
    const out = await createBoard(as(deps, res), body);
    res.status(201).json(out);
  });
  r.get('/boards/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    const board = await findBoard(deps.db, id);
    if (!board) throw new NotFound('board', id);
    res.json({ data: { ...board, columns: await listColumns(deps.db, id) } });
  });
  r.patch('/boards/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(UpdateBoardBody, req.body);
    checkModel(deps.models, body.settings?.defaultModel, 'body.settings.defaultModel');
    res.json(await updateBoard(as(deps, res), id, body));
  });
  r.delete('/boards/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteBoard(as(deps, res), id));
  });
  return r;
}
