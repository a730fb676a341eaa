import { createApp, type App } from '../../server/src/app';
import type { Config } from '../../server/src/config';
import type { Db } from '../../server/src/db/pool';
import { createLogs } from '../../server/src/logger';
import { createSync, type Sync } from '../../server/src/sync';
import { listenLocal, openTestDeps } from './app';
import type { TestDatabase } from './db';
import { signUpDefault, type Session } from './auth';

export interface SyncTestApp {
  url: string;
  app: App;
  db: Db;
  sync: Sync;
  database: TestDatabase;
  config: Config;
  /** The first user (signed up at start); its session is the default for api(url) and follow(). */
  owner?: Session;
  /** Stops the app and its replication (dropping its slot); drops the database if it made it. */
  close(): Promise<void>;
}

/**
 * The real app with live sync on port 0. Pass `database` to run a second instance on the same
 * database (a restart, or a stand-in Electric); otherwise it gets a fresh one of its own.
 */
export async function startSyncApp(
  opts: { env?: Record<string, string>; database?: TestDatabase; anonymous?: boolean } = {},
): Promise<SyncTestApp> {
  // SYNC_TEST_LOGS=1 shows the sync and db logs (debug) when a sync test needs debugging.
  const logs = process.env.SYNC_TEST_LOGS
    ? createLogs({ LOG_LEVEL: 'info', LOG_LEVELS: { sync: 'debug', db: 'debug' } })
    : undefined;
  const deps = await openTestDeps(
    { SHAPE_LONG_POLL_MS: '1000', ...opts.env },
    { database: opts.database, logs },
  );
  const { database, config, db } = deps;
  const sync = createSync(deps);
  await sync.start();
  const app = createApp({ ...deps, sync });
  const url = await listenLocal(app);
  // Instances sharing a database share its first user (test/support/auth.ts).
  const owner = opts.anonymous ? undefined : await signUpDefault(url, database.name);
  let closed = false;
  return {
    url,
    owner,
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
