import { Router } from 'express';
import { SearchQuery } from '@kanban/shared';
import type { CommandDeps } from '../../commands/deps';
import { Invalid } from '../../commands/errors';
import { prefixQuery, searchTasks } from '../../db/search';
import { parse } from '../validate';
import { actorOf } from '../actor';

/** GET /api/search?q=: cards on every board the caller is a member of. */
export function searchRoutes(deps: Omit<CommandDeps, 'actor'>): Router {
  const r = Router();
  r.get('/search', async (req, res) => {
    const { q, limit } = parse(SearchQuery, req.query, 'query');
    const tsq = prefixQuery(q);
    if (!tsq) throw new Invalid('q: search for at least one letter or digit');
    res.json({ data: await searchTasks(deps.db, actorOf(res).userId, tsq, limit ?? 20) });
  });
  return r;
}
