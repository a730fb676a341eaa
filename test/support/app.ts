import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../server/src/app';
import { loadConfig, type Config } from '../../server/src/config';
import { createDb, type Db } from '../../server/src/db/pool';
import { silentLogs, type Logs } from '../../server/src/logger';
import { createTestDatabase, type TestDatabase } from './db';
import { AUTH_TEST_ENV, signUpDefault, type Session } from './auth';

export interface TestDeps {
  database: TestDatabase;
  config: Config;
  logs: Logs;
  db: Db;
}

/**
 * What every test app stands on: a database (a fresh clone of the migrated template unless one
 * is passed, so several instances can share it), config parsed from test defaults plus `env`,
 * logs (silent unless given) and the pool.
 */
export async function openTestDeps(
  env: Record<string, string> = {},
  opts: { database?: TestDatabase; logs?: Logs } = {},
): Promise<TestDeps> {
  const database = opts.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SEED_DEMO: 'false',
    PORT: '0',
    ...AUTH_TEST_ENV,
    ...env,
  });
  const logs = opts.logs ?? silentLogs();
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  return { database, config, logs, db };
}

/** Listens on a free loopback port and answers the base URL. */
export async function listenLocal(app: App): Promise<string> {
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export interface TestApp {
  url: string;
  app: App;
  db: Db;
  database: TestDatabase;
  config: Config;
  /** The first user, signed up at start; its session is the default for api(url). */
  owner?: Session;
  close(): Promise<void>;
}

/**
 * The real app (REST only) on port 0 over its own fresh database, with a first user signed up
 * (unless `anonymous`) whose cookie api(url) then sends.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { anonymous?: boolean } = {},
): Promise<TestApp> {
  const { database, config, logs, db } = await openTestDeps(env);
  const app = createApp({ config, logs, db });
  const url = await listenLocal(app);
  const owner = opts.anonymous ? undefined : await signUpDefault(url, database.name);
  return {
    url,
    owner,
    app,
    db,
    database,
    config,
    async close() {
      await app.close();
      await db.close();
      await database.drop();
    },
  };
}
