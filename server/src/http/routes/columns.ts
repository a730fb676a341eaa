import { Router } from 'express';
import {
  type BoardLoadPlan,
  CreateColumnBody,
  DeleteColumnQuery,
  Id,
  MoveColumnBody,
  UpdateColumnBody,
} from '@kanban/shared';
import type { Config } from '../../config';
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

export function columnRoutes(
  deps: Omit<CommandDeps, 'actor'> & { plan: Pick<Config, 'BOARD_ON_DEMAND_CARDS' | 'BOARD_PAGE_CARDS'> },
): Router {
  const r = Router();
  // Whether the board's cards load all at once or per column on demand, decided before the
  // client starts the cards shape (a collection's sync mode is fixed when it is made).
  r.get('/boards/:id/load-plan', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    const row = await deps.db
      .selectFrom('columns')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('card_count'), eb.lit(0)).as('cards'))
      .where('board_id', '=', id)
      .executeTakeFirst();
    const cards = Number(row?.cards ?? 0);
    const plan: BoardLoadPlan = {
      cards,
      onDemand: cards > deps.plan.BOARD_ON_DEMAND_CARDS,
      pageCards: deps.plan.BOARD_PAGE_CARDS,
    };
    res.json({ data: plan });
  });
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
