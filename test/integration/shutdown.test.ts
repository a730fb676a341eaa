import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../server/src/db/embedded';
import { npmStart, postgresFor, until, type Started } from '../support/spawn-app';
import { terminateBackends } from '../support/terminate';
import { fetchAs, ownerSession } from '../support/auth';

// The real server as a process on an embedded Postgres of its own: SIGTERM ends every role with
// exit code 0, no error line and no Postgres left, also after its connections were cut and
// re-made; and a second start on the same data directory leaves the first alone.

let dir: string;
const running: Started[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kanban-shutdown-'));
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const s of running) await s.exit;
  for (const name of ['worker', 'cut', 'twice'])
    for (const pid of postgresFor(path.join(dir, name))) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function start(name: string, env: Record<string, string> = {}) {
  const s = npmStart({ PG_DATA_DIR: path.join(dir, name), PORT: '0', LOG_LEVEL: 'info', ...env }, true);
  running.push(s);
  return s;
}

/** pino lines at error (50) or fatal (60), and anything that looks like a stack trace. */
const errorLines = (out: string) =>
  out.split('\n').filter((l) => /"level":(50|60)/.test(l) || /^\s+at .+:\d+:\d+\)?$/.test(l));

it('a worker-only process exits 0 on SIGTERM without an error line', async () => {
  const w = start('worker', { ROLES: 'worker' });
  await until('the worker to run', () => w.output().includes('worker running'), 60_000);
  w.child.kill('SIGTERM');
  expect(await w.exit, w.output()).toBe(0);
  expect(errorLines(w.output())).toEqual([]);
  expect(postgresFor(path.join(dir, 'worker'))).toEqual([]);
});

it('SIGTERM after its connections were terminated and re-made leaves no postgres', async () => {
  const pgPort = await freePort();
  const s = start('cut', { PG_PORT: String(pgPort) });
  const url = await s.url;
  const admin = new pg.Client({
    connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
  });
  admin.on('error', () => undefined); // the server may go away under it when a case fails
  await admin.connect();
  try {
    for (const name of ['kanban-control', 'kanban-socket-adapter', 'kanban-jobs', 'kanban-sync', 'kanban']) {
      expect(await terminateBackends(admin, name, 'postgres'), name).toBeGreaterThan(0);
      await until(`ready after ${name} was cut`, async () => (await fetchAs(`${url}/readyz`)).status === 200);
    }
  } finally {
    await admin.end();
  }
  s.child.kill('SIGTERM');
  expect(await s.exit, s.output()).toBe(0);
  expect(errorLines(s.output())).toEqual([]);
  expect(postgresFor(path.join(dir, 'cut'))).toEqual([]);
});

it('a second start on the same data directory says where the first runs and leaves it serving', async () => {
  const first = start('twice');
  const url = await first.url;
  const [postgres] = postgresFor(path.join(dir, 'twice'));
  const second = start('twice');
  expect(await second.exit, second.output()).toBe(1);
  expect(second.output()).toContain(`already running at ${url}`);
  expect(postgresFor(path.join(dir, 'twice'))).toEqual([postgres]);
  await ownerSession(url);
  expect((await fetchAs(`${url}/api/boards`)).status).toBe(200);
  first.child.kill('SIGTERM');
  expect(await first.exit, first.output()).toBe(0);
  expect(postgresFor(path.join(dir, 'twice'))).toEqual([]);
});
