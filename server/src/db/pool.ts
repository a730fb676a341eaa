import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema';

export interface Db {
  pool: pg.Pool;
  db: Kysely<Database>;
  url: string;
  close(): Promise<void>;
}

/** One pg pool and the Kysely instance over it; every query of the app goes through these. */
export function createDb(url: string, log: Logger, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'kanban' });
  // An idle client losing its connection (e.g. Postgres restart) must not crash the process.
  pool.on('error', (err) => log.warn({ err }, 'idle database client error'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    pool,
    db,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
