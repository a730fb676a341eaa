import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isControlMessage, type Message } from '@electric-sql/client';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { follow, type Follower } from '../support/sync-client';
import { api } from '../support/http';
import { makeBoard, makeTask, type BoardFixture } from '../support/rest';
import { fetchAs } from '../support/auth';

// The shape server's bounds that restart a shape: rotation by entries and by bytes, idle
// eviction, TRUNCATE. Each one answers the old handle 409; the official client refetches and
// ends with exactly the rows in Postgres.

let byEntries: SyncTestApp;
let byBytes: SyncTestApp;
const followers: Follower[] = [];
beforeAll(async () => {
  [byEntries, byBytes] = await Promise.all([
    startSyncApp({ env: { SHAPE_LOG_MAX_ENTRIES: '5', SHAPE_IDLE_MS: '1000' } }),
    startSyncApp({ env: { SHAPE_LOG_MAX_BYTES: '2048' } }),
  ]);
});
afterAll(async () => {
  for (const f of followers) f.stop();
  await Promise.all([byEntries?.close(), byBytes?.close()]);
});

const refetches = (messages: Message[]) =>
  messages.filter((m) => isControlMessage(m) && m.headers.control === 'must-refetch').length;

function followTasks(t: SyncTestApp, board: BoardFixture) {
  const f = follow(`${t.url}/api/shapes/tasks`, { board: board.id });
  followers.push(f);
  return f;
}

async function titlesInDb(t: SyncTestApp, board: BoardFixture) {
  const { rows } = await t.db.pool.query<{ title: string }>(
    'SELECT title FROM tasks WHERE board_id = $1 ORDER BY title',
    [board.id],
  );
  return rows.map((r) => r.title);
}

const titles = (f: Follower) =>
  f
    .rows()
    .map((r) => r.title as string)
    .sort();

describe('rotation', () => {
  it('rotates a shape past SHAPE_LOG_MAX_ENTRIES; the client refetches and converges', async () => {
    const http = api(byEntries.url);
    const board = await makeBoard(http, 'Rotate by entries');
    const f = followTasks(byEntries, board);
    await f.until(() => true, 10_000, 'first sync');
    const before = byEntries.sync.builtin!.registry.stats().evicted.rotated;
    for (let i = 0; i < 12; i++) await makeTask(http, board.id, board.columns[0]!.id, `t${i}`);
    const expected = await titlesInDb(byEntries, board);
    await f.until(() => titles(f).join() === expected.join(), 15_000, 'convergence after rotation');
    expect(byEntries.sync.builtin!.registry.stats().evicted.rotated).toBeGreaterThan(before);
    expect(refetches(f.messages)).toBeGreaterThan(0);
  });

  it('rotates a shape whose log passes SHAPE_LOG_MAX_BYTES', async () => {
    const http = api(byBytes.url);
    const board = await makeBoard(http, 'Rotate by bytes');
    const f = followTasks(byBytes, board);
    await f.until(() => true, 10_000, 'first sync');
    // Each insert is ~700 bytes in the log: a few pass 2 KiB, far below the 10,000 entries.
    for (let i = 0; i < 6; i++) {
      await makeTask(http, board.id, board.columns[0]!.id, `b${i}`, { description: 'x'.repeat(600) });
    }
    const expected = await titlesInDb(byBytes, board);
    await f.until(() => titles(f).join() === expected.join(), 15_000, 'convergence after rotation');
    expect(byBytes.sync.builtin!.registry.stats().evicted.rotated).toBeGreaterThan(0);
    expect(refetches(f.messages)).toBeGreaterThan(0);
  });
});

describe('idle eviction and TRUNCATE', () => {
  it('drops a shape nobody asked for in SHAPE_IDLE_MS, never one with a held request', async () => {
    const http = api(byEntries.url);
    const board = await makeBoard(http, 'Idle');
    const registry = byEntries.sync.builtin!.registry;
    const first = await fetchAs(`${byEntries.url}/api/shapes/columns?board=${board.id}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    const offset = first.headers.get('electric-offset')!;
    const def = { schema: 'public', table: 'columns', where: { column: 'board_id', value: board.id } };
    const shape = registry.peek(def)!;
    expect(shape.handle).toBe(handle);

    // A held long-poll keeps it, however late the clock says it is.
    const held = fetchAs(
      `${byEntries.url}/api/shapes/columns?board=${board.id}&offset=${offset}&handle=${handle}&live=true`,
    );
    while (shape.waiting === 0) await new Promise((r) => setImmediate(r));
    registry.sweep(Date.now() + 3_600_000);
    expect(registry.peek(def)).toBe(shape);
    await held;

    // Idle: a request touches it at a known time; a sweep just before SHAPE_IDLE_MS (1 s) has
    // passed keeps it, one just after drops it, and the old handle gets 409.
    const before = Date.now();
    await (
      await fetchAs(`${byEntries.url}/api/shapes/columns?board=${board.id}&offset=${offset}&handle=${handle}`)
    ).text();
    const after = Date.now();
    registry.sweep(before + 999);
    expect(registry.peek(def)).toBe(shape);
    registry.sweep(after + 1_001);
    expect(registry.peek(def)).toBeUndefined();
    expect(shape.retired).toBe(true);
    const stale = await fetchAs(
      `${byEntries.url}/api/shapes/columns?board=${board.id}&offset=${offset}&handle=${handle}`,
    );
    expect(stale.status).toBe(409);
    expect(stale.headers.get('electric-handle')).not.toBe(handle);
  });

  it('restarts every shape of a truncated table (must-refetch), and the client ends empty', async () => {
    const http = api(byEntries.url);
    const board = await makeBoard(http, 'Truncate');
    await makeTask(http, board.id, board.columns[0]!.id, 'gone soon');
    const f = followTasks(byEntries, board);
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    await byEntries.db.pool.query('TRUNCATE tasks CASCADE');
    await f.until(() => refetches(f.messages) > 0 && f.rows().length === 0, 10_000, 'refetch after truncate');
    // and it keeps following: a new row arrives
    await makeTask(http, board.id, board.columns[0]!.id, 'after truncate');
    await f.until(() => titles(f).join() === 'after truncate', 10_000, 'a row after truncate');
  });
});
