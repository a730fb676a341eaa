import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isChangeMessage, isControlMessage } from '@electric-sql/client';
import { freePort } from '../../server/src/db/embedded';
import { AUTH_TEST_ENV, fetchAs, signUpDefault } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { api } from '../support/http';
import { readdirSync } from 'node:fs';
import { npmStart, parentOf, until, type Started } from '../support/spawn-app';
import { changes, follow, type Follower } from '../support/sync-client';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';

// Shapes that survive a restart (docs/sync.md): the real server as a process, stopped (SIGTERM)
// or killed (SIGKILL) and started again on the same database. The official client holding a
// handle and an offset resumes at them — no 409, no new snapshot — and receives exactly the
// changes made meanwhile. When what it needs was not retained (the stopped run's slot is older
// than SHAPE_RESUME_RETAIN_MS), it gets 409 and refetches, as before.

let database: TestDatabase;
let admin: pg.Client;
let port: number;
const running: Started[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  port = await freePort();
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGTERM');
  for (const s of running) await s.exit;
  await admin?.end();
  await database?.drop();
});

async function start(): Promise<string> {
  const s = npmStart(
    {
      ...AUTH_TEST_ENV,
      DATABASE_URL: database.url,
      PORT: String(port),
      ROLES: 'web',
      SHAPE_LONG_POLL_MS: '1000',
    },
    true,
  );
  running.push(s);
  const url = await s.url;
  await signUpDefault(url, database.name);
  return url;
}

/** tsx runs the server in a child process of its own: that is the one a crash kills. */
function serverPid(s: Started): number {
  const pid = readdirSync('/proc').find((e) => {
    if (!/^\d+$/.test(e)) return false;
    try {
      return parentOf(Number(e)) === s.child.pid;
    } catch {
      return false;
    }
  });
  if (!pid) throw new Error('no server process under tsx');
  return Number(pid);
}

async function stop(signal: 'SIGTERM' | 'SIGKILL') {
  const s = running.at(-1)!;
  // Both to the server itself, not to tsx: tsx relays a SIGTERM, then SIGKILLs its child and exits
  // 143 if the child's loader has not confirmed the signal over IPC within 2 × 30 ms (tsx
  // cli relaySignalToChild), which a loaded machine can miss. Production runs plain node.
  process.kill(serverPid(s), signal);
  const code = await s.exit;
  if (signal === 'SIGTERM') expect(code, s.output()).toBe(0);
}

/** The official client, recording every request it makes. */
function client(url: string, board: string): { f: Follower; requests: string[] } {
  const requests: string[] = [];
  const f = follow(
    `${url}/api/shapes/tasks`,
    { board },
    {
      fetchClient: (input, init) => {
        requests.push(String(input instanceof Request ? input.url : input));
        return fetchAs(String(input instanceof Request ? input.url : input), init);
      },
      // The server is away for a moment: retry quickly instead of Electric's default backoff.
      backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
    },
  );
  return { f, requests };
}

const titles = (f: Follower) =>
  f
    .rows()
    .map((r) => r.title as string)
    .sort();
const refetched = (f: Follower) =>
  f.messages.some((m) => isControlMessage(m) && m.headers.control === 'must-refetch');
const initialRequests = (requests: string[]) =>
  requests.filter((u) => new URL(u).searchParams.get('offset') === '-1');

it('resumes at the client’s handle and offset after SIGTERM and after SIGKILL, with the changes made meanwhile', async () => {
  let url = await start();
  const rest = () => api(url);
  const board = (await rest().post('/api/boards', { name: 'Resume' })).body.data;
  const column = board.columns[0].id;
  const first = (await rest().post(`/api/boards/${board.id}/tasks`, { columnId: column, title: 'before' }))
    .body.data;
  const { f, requests } = client(url, board.id);
  await f.until(() => f.rows().length === 1, 10_000, 'first sync');
  const handle = f.stream.shapeHandle;
  const changesBefore = f.messages.filter(isChangeMessage).length;

  for (const [signal, title] of [
    ['SIGTERM', 'while stopped'],
    ['SIGKILL', 'while killed'],
  ] as const) {
    await stop(signal);
    // Written while no app runs: the kept slot holds it for the next one.
    await admin.query('UPDATE tasks SET title = $1 WHERE id = $2', [title, first.id]);
    url = await start();
    await f.until(() => f.rows().some((r) => r.title === title), 20_000, `resume after ${signal}`);
  }
  const after = (await rest().post(`/api/boards/${board.id}/tasks`, { columnId: column, title: 'after' }))
    .body.data;
  await f.until(() => f.rows().some((r) => r.id === after.id), 10_000, 'a write after the restarts');

  expect(f.stream.shapeHandle).toBe(handle);
  expect(refetched(f)).toBe(false);
  expect(initialRequests(requests)).toHaveLength(1);
  expect(titles(f)).toEqual(['after', 'while killed']);
  // Only the changes: two updates and one insert, each once.
  expect(f.messages.filter(isChangeMessage).length - changesBefore).toBe(3);
  expect(f.errors).toEqual([]);
  f.stop();
}, 240_000); // three starts of the server process, each a few seconds on a loaded machine

it('answers 409 after a restart when the stopped run’s shapes were not retained, and the client refetches', async () => {
  let url = running.at(-1)?.child.exitCode === null ? `http://127.0.0.1:${port}` : await start();
  const board = (await api(url).post('/api/boards', { name: 'Expired' })).body.data;
  await api(url).post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: 'kept' });
  const { f, requests } = client(url, board.id);
  await f.until(() => f.rows().length === 1, 10_000, 'first sync');
  const handle = f.stream.shapeHandle;
  const { rows: slots } = await admin.query<{ slot: string }>('SELECT slot FROM sync_slots');

  await stop('SIGTERM');
  // As if the app had been away for longer than SHAPE_RESUME_RETAIN_MS (1 h).
  await admin.query(`UPDATE sync_slots SET seen_at = now() - interval '2 hours'`);
  url = await start();
  await admin.query('UPDATE tasks SET title = $1 WHERE board_id = $2', ['changed', board.id]);
  await f.until(() => f.rows().some((r) => r.title === 'changed'), 20_000, 'refetch after the restart');

  expect(refetched(f)).toBe(true);
  expect(f.stream.shapeHandle).not.toBe(handle);
  expect(initialRequests(requests)).toHaveLength(2);
  expect(titles(f)).toEqual(['changed']);
  // The expired slot (and the WAL it held) is gone; the new run keeps one of its own.
  const { rows: now } = await admin.query<{ slot_name: string }>(
    'SELECT slot_name FROM pg_replication_slots WHERE database = current_database()',
  );
  expect(now.map((r) => r.slot_name)).not.toContain(slots[0]!.slot);
  expect(now).toHaveLength(1);
  f.stop();
}, 180_000);

it('resumes an SSE client too, and keeps the slot across a clean stop (in-process restart)', async () => {
  const db = await createTestDatabase();
  const apps: SyncTestApp[] = [];
  try {
    const first = await startSyncApp({ database: db });
    apps.push(first);
    const slot = first.sync.builtin!.capture.slot;
    const board = (await api(first.url).post('/api/boards', { name: 'SSE resume' })).body.data;
    await api(first.url).post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: 'a' });
    let base = first.url;
    const requests: string[] = [];
    const f = follow(
      `${first.url}/api/shapes/tasks`,
      { board: board.id },
      {
        liveSse: true,
        fetchClient: (input, init) => {
          const url = String(input instanceof Request ? input.url : input).replace(
            /^http:\/\/127\.0\.0\.1:\d+/,
            base,
          );
          requests.push(url);
          return fetchAs(url, init);
        },
        backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
      },
    );
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    const handle = f.stream.shapeHandle;
    await first.close();
    const second = await startSyncApp({ database: db });
    apps.push(second);
    expect(second.sync.builtin!.capture.slot).toBe(slot);
    base = second.url;
    const b = (
      await api(second.url).post(`/api/boards/${board.id}/tasks`, {
        columnId: board.columns[0].id,
        title: 'b',
      })
    ).body.data;
    await f.until(() => f.rows().some((r) => r.id === b.id), 15_000, 'resume over SSE');
    expect(f.stream.shapeHandle).toBe(handle);
    expect(refetched(f)).toBe(false);
    expect(initialRequests(requests)).toHaveLength(1);
    expect(titles(f)).toEqual(['a', 'b']);
    f.stop();
  } finally {
    for (const a of apps) await a.close();
    await db.drop();
  }
});

it('acknowledges a transaction to the slot only once the shapes’ copy of it is written', async () => {
  const db = await createTestDatabase();
  const app = await startSyncApp({ database: db });
  const lock = new pg.Client({ connectionString: db.url });
  await lock.connect();
  try {
    const board = (await api(app.url).post('/api/boards', { name: 'Ack order' })).body.data;
    const f = follow(`${app.url}/api/shapes/tasks`, { board: board.id });
    await f.until(() => true, 10_000, 'first sync');
    const slot = app.sync.builtin!.capture.slot;
    const confirmed = async () =>
      BigInt(
        (
          await lock.query<{ n: string }>(
            `SELECT (confirmed_flush_lsn - '0/0')::text AS n FROM pg_replication_slots WHERE slot_name = $1`,
            [slot],
          )
        ).rows[0]!.n,
      );
    // The copy cannot be written while this lock is held.
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE sync_shape_changes IN EXCLUSIVE MODE');
    const task = (
      await api(app.url).post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: 'w' })
    ).body.data;
    // Served from memory at once: the clients do not wait for the copy.
    await f.until(() => f.rows().some((r) => r.id === task.id), 10_000, 'the write');
    const change = changes(f.messages).find((m) => m.key.includes(task.id))!;
    const lsn = BigInt(change.headers.lsn as string);
    expect(await confirmed()).toBeLessThan(lsn);
    await lock.query('COMMIT');
    await until('the acknowledgement', async () => (await confirmed()) >= lsn);
    f.stop();
  } finally {
    await lock.end();
    await app.close();
    await db.drop();
  }
});
