import { Router } from 'express';
import type { Db } from '../../db/pool';
import { pendingMigrations } from '../../db/migrate';
import { ping } from '../../db/queries';

/** /healthz: the process answers. /readyz: the database answers and every migration ran. */
export function healthRoutes(db: Db): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    try {
      await ping(db.db);
      const pending = await pendingMigrations(db.pool);
      if (pending.length) return void res.status(503).json({ status: 'migrating', pending });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  return r;
}
