import { Router } from 'express';
import type { Db } from '../../db/pool';
import { pendingMigrations } from '../../db/migrate';
import { ping } from '../../db/queries';

/**
 * /healthz: the process answers. /readyz: the database answers, every migration ran, and every
 * long-lived connection of this process (pools, LISTEN clients, replication, pg-boss) is up; the
 * body names each connection's state so an operator sees which dependency is missing.
 */
export function healthRoutes(db: Db): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    let status = 'ready';
    let pending: string[] = [];
    try {
      await ping(db.db);
      pending = await pendingMigrations(db.pool);
      if (pending.length) status = 'migrating';
      else if (!db.connections.allUp()) status = 'reconnecting';
    } catch {
      status = 'database unreachable';
    }
    const body = { status, connections: db.connections.snapshot(), ...(pending.length ? { pending } : {}) };
    res.status(status === 'ready' ? 200 : 503).json(body);
  });
  return r;
}
