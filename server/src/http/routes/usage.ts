import { Router } from 'express';
import { Id } from '@kanban/shared';
import type { Kysely } from 'kysely';
import type { ModelCatalog } from '../../agent/prices';
import { NotFound } from '../../commands/errors';
import { replyTrace } from '../../db/reply-trace';
import type { Database } from '../../db/schema';
import { check } from '../../policy';
import { actorOf } from '../actor';
import { parse } from '../validate';

// The models a task, agent or board may pick (with their prices), and a reply's trace.

export function usageRoutes(deps: { db: Kysely<Database>; models: ModelCatalog }): Router {
  const r = Router();
  r.get('/models', (_req, res) => {
    res.json({ data: deps.models.list });
  });
  r.get('/messages/:id/trace', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'message', id);
    const trace = await replyTrace(deps.db, id);
    if (!trace) throw new NotFound('message', id);
    res.json({ data: trace });
  });
  return r;
}
