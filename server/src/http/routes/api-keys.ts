import { Router } from 'express';
import type { Kysely } from 'kysely';
import { CreateApiKeyBody, Id } from '@kanban/shared';
import type { Database } from '../../db/schema';
import { NotFound } from '../../commands/errors';
import { hashToken, newToken } from '../../auth/tokens';
import { parse } from '../validate';
import { actorOf } from '../actor';

const COLUMNS = ['id', 'name', 'prefix', 'created_at', 'last_used_at'] as const;

/** The caller's own API keys: create (the key is in this one answer), list, revoke. */
export function apiKeyRoutes(deps: { db: Kysely<Database> }): Router {
  const r = Router();
  r.post('/api-keys', async (req, res) => {
    const { name } = parse(CreateApiKeyBody, req.body);
    const key = newToken('kb');
    const row = await deps.db
      .insertInto('api_keys')
      .values({ user_id: actorOf(res).userId, name, prefix: key.slice(0, 10), key_hash: hashToken(key) })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    res.status(201).json({ data: row, key });
  });
  r.get('/api-keys', async (_req, res) => {
    const rows = await deps.db
      .selectFrom('api_keys')
      .select(COLUMNS)
      .where('user_id', '=', actorOf(res).userId)
      .orderBy('created_at')
      .execute();
    res.json({ data: rows });
  });
  r.delete('/api-keys/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const row = await deps.db
      .deleteFrom('api_keys')
      .where('id', '=', id)
      .where('user_id', '=', actorOf(res).userId)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new NotFound('API key', id);
    res.json({ data: { id } });
  });
  return r;
}
