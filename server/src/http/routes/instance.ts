import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Instance } from '@kanban/shared';
import type { Config } from '../../config';
import type { Database } from '../../db/schema';

/** GET /api/instance (public): whether to show "create the first account", and the sign-up mode. */
export function instanceRoutes(deps: { db: Kysely<Database>; config: Config }): Router {
  const r = Router();
  r.get('/instance', async (_req, res) => {
    const any = await deps.db.selectFrom('user').select('id').limit(1).executeTakeFirst();
    const body: Instance = { hasUsers: any !== undefined, signup: deps.config.AUTH_SIGNUP };
    res.json(body);
  });
  return r;
}
