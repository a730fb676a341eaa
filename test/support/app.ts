import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../server/src/app';
import { loadConfig, type Config } from '../../server/src/config';
import { createDb, type Db } from '../../server/src/db/pool';
import { silentLogs } from '../../server/src/logger';
import { createTestDatabase, type TestDatabase } from './db';

export interface TestApp {
  url: string;
  app: App;
  db: Db;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** The real app on port 0 over its own fresh database. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SEED_DEMO: 'false',
    PORT: '0',
    ...env,
  });
  const logs = silentLogs();
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const app = createApp({ config, logs, db });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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
