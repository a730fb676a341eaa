import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../server/src/db/embedded';
import { migrate } from '../../server/src/db/migrate';
import { silentLogs } from '../../server/src/logger';

export interface BenchDatabase {
  url: string;
  /** "embedded" or the host of DATABASE_URL, for the report. */
  kind: string;
  close(): Promise<void>;
}

/** A fresh, migrated database: on DATABASE_URL's server when set, else an embedded Postgres. */
export async function benchDatabase(): Promise<BenchDatabase> {
  const log = silentLogs().for('db');
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'kanban-bench-'));
    const pgEmbedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), log });
    adminUrl = pgEmbedded.url;
    stop = async () => {
      await pgEmbedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `kanban_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString(), log);
  return {
    url: url.toString(),
    kind: process.env.DATABASE_URL ? `DATABASE_URL (${url.host})` : 'embedded',
    async close() {
      // pg's pool.end() resolves once its clients are told to end, before their sessions are
      // gone: a DROP ... WITH (FORCE) right then terminated them mid-goodbye, and that FATAL
      // became an 'error' on a pool nobody listens to any more, which ended the whole bench run
      // (rest-create's baseline pool, after agent-stream). Wait for them to leave; FORCE only
      // for sessions that never do.
      for (let i = 0; i < 100; i++) {
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (!rows[0]?.n) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stop();
    },
  };
}
