import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../server/src/db/embedded';
import { silentLogs } from '../../server/src/logger';
import { postgresFor, until } from '../support/spawn-app';

// The app's own Postgres, killed (SIGKILL of the postmaster, as the OOM killer would): the app
// starts it again by itself on the same port and data, and a stop afterwards leaves none running.

let dir: string | undefined;
let server: EmbeddedDb | undefined;
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const answers = async (url: string) => {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
};

it('restarts its embedded Postgres after it was killed, and stops it for good on stop()', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kanban-embedded-'));
  const dataDir = path.join(dir, 'pg');
  server = await startEmbeddedPostgres({ dataDir, log: silentLogs().for('db') });
  for (let round = 0; round < 2; round++) {
    const [postmaster] = postgresFor(dataDir);
    expect(postmaster).toBeDefined();
    process.kill(postmaster!, 'SIGKILL');
    await until('the killed postmaster to be gone', () => !postgresFor(dataDir).includes(postmaster!));
    await until('postgres to answer again', () => answers(server!.url), 30_000);
    expect(postgresFor(dataDir)).not.toContain(postmaster);
  }
  await server.stop();
  server = undefined;
  expect(postgresFor(dataDir)).toEqual([]);
});
