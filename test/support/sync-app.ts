import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../server/src/app';
import { loadConfig, type Config } from '../../server/src/config';
import { createDb, type Db } from '../../server/src/db/pool';
import { createLogs, silentLogs } from '../../server/src/logger';
import { createSync, type Sync } from '../../server/src/sync';
import { createTestDatabase, type TestDatabase } from './db';

export interface SyncTestApp {
  url: string;
  app: App;
  db: Db;
  sync: Sync;
  database: TestDatabase;
  config: Config;
  /** Stops the app and its replication (dropping its slot); drops the database if it made it. */
  close(): Promise<void>;
}

/**
 * The real app with live sync on port 0. Pass `database` to run a second instance on the same
 * database (a restart, or a stand-in Electric); otherwise it gets a fresh one of its own.
 */
export async function startSyncApp(
  opts: { env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<SyncTestApp> {
  const database = opts.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SEED_DEMO: 'false',
    PORT: '0',
    SHAPE_LONG_POLL_MS: '1000',
    ...opts.env,
  });
  // SYNC_TEST_LOGS=1 shows the sync and db logs (debug) when a sync test needs debugging.
  const logs = process.env.SYNC_TEST_LOGS
    ? createLogs({ LOG_LEVEL: 'info', LOG_LEVELS: { sync: 'debug', db: 'debug' } })
    : silentLogs();
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const sync = createSync({ config, logs, db });
  await sync.start();
  const app = createApp({ config, logs, db, sync });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    db,
    sync,
    database,
    config,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await sync.stop();
      await db.close();
      if (!opts.database) await database.drop();
    },
  };
}
