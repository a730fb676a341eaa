import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Logger } from 'pino';
import { createConnectionStates, type ConnectionStates } from './connection-state';
import type { Database } from './schema';
import { watchPool } from './watch-pool';

export interface Db {
  pool: pg.Pool;
  db: Kysely<Database>;
  url: string;
  /** The state of every long-lived connection of this process (the pools register here too). */
  connections: ConnectionStates;
  /** Options every other pool of the process copies (connect timeout). */
  poolDefaults: Pick<pg.PoolConfig, 'connectionTimeoutMillis'>;
  close(): Promise<void>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

// A `date` is a calendar day: keep Postgres' YYYY-MM-DD text. pg's default turns it into a Date
// at local midnight, which serialises as the previous day in any zone east of UTC.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

/** One pg pool and the Kysely instance over it; every query of the app goes through these. */
export function createDb(
  url: string,
  log: Logger,
  max = 10,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Db {
  // A connect timeout: while Postgres is away a request fails fast (503) instead of hanging.
  const poolDefaults = { connectionTimeoutMillis: connectTimeoutMs };
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'kanban', ...poolDefaults });
  const connections = createConnectionStates(log);
  // A client losing its connection (e.g. Postgres restart) must not crash the process.
  watchPool(pool, 'kanban', connections, log);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    pool,
    db,
    url,
    connections,
    poolDefaults,
    async close() {
      if (closed) return;
      closed = true;
      connections.forget('kanban');
      await db.destroy();
    },
  };
}
