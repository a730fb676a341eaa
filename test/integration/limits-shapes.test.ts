import { until } from '../support/spawn-app';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { api } from '../support/http';
import { expectProblem, makeBoard, makeTask } from '../support/rest';
import { fetchAs } from '../support/auth';

// What the shape server holds is bounded: no shape for a parent that does not exist, a cap on
// live shapes (least recently used idle one goes, else 503), a cap on bytes (least recently used
// first), and a byte budget for the bodies each shape caches. Asserted through registry.stats().

let capped: SyncTestApp; // SHAPE_MAX_LIVE=2
let small: SyncTestApp; // SHAPE_MAX_BYTES=20000, SHAPE_CACHE_MAX_BYTES=4096
beforeAll(async () => {
  [capped, small] = await Promise.all([
    startSyncApp({ env: { SHAPE_MAX_LIVE: '2' } }),
    startSyncApp({ env: { SHAPE_MAX_BYTES: '20000', SHAPE_CACHE_MAX_BYTES: '4096' } }),
  ]);
});
afterAll(() => Promise.all([capped?.close(), small?.close()]));

const tasksOf = (board: string) => ({
  schema: 'public',
  table: 'tasks',
  where: { column: 'board_id', value: board },
});
const registry = (t: SyncTestApp) => t.sync.builtin!.registry;

async function waitHeld(t: SyncTestApp, board: string, n: number) {
  while ((registry(t).peek(tasksOf(board))?.waiting ?? 0) < n) await new Promise((r) => setImmediate(r));
}

describe('shapes only for rows that can exist', () => {
  it('404s every scoped shape of a parent that does not exist, and creates no shape', async () => {
    const http = api(small.url);
    const before = registry(small).stats().shapes;
    for (let i = 0; i < 25; i++) {
      for (const q of ['tasks?board', 'columns?board', 'messages?task', 'messages?board']) {
        const res = await http.get(`/api/shapes/${q}=${randomUUID()}&offset=-1`);
        expect(expectProblem(res, 404).detail).toMatch(/^(board|task) [0-9a-f-]{36} does not exist$/);
      }
    }
    expect(registry(small).stats().shapes).toBe(before);
  });

  it('serves a parent created right after a 404', async () => {
    const http = api(small.url);
    const board = await makeBoard(http, 'Late parent');
    const id = randomUUID();
    expectProblem(await http.get(`/api/shapes/messages?task=${id}&offset=-1`), 404);
    await makeTask(http, board.id, board.columns[0]!.id, 'now it exists', { id });
    const res = await fetchAs(`${small.url}/api/shapes/messages?task=${id}&offset=-1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { headers: { control?: string } }[];
    // the snapshot alone: its up-to-date comes with the next request (as Electric)
    expect(body.map((m) => m.headers.control)).toEqual(['snapshot-end']);
  });

  it('keeps serving a loaded shape whose parent was deleted (it empties), and 404s once it is dropped', async () => {
    const http = api(small.url);
    const board = await makeBoard(http, 'Deleted while live');
    await makeTask(http, board.id, board.columns[0]!.id, 'one');
    const f = follow(`${small.url}/api/shapes/tasks`, { board: board.id });
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    expect((await http.del(`/api/boards/${board.id}`)).status).toBe(200);
    await f.until(() => f.rows().length === 0, 10_000, 'the cascade delete');
    f.stop();
    const again = await fetchAs(`${small.url}/api/shapes/tasks?board=${board.id}&offset=-1`);
    expect(again.status).toBe(200);
    // The server hears of the stopped client's aborted long-poll a moment later (under load, a
    // request already on its way may even be held first); only then is the shape idle.
    await until('the idle shape to be dropped', () => {
      registry(small).sweep(Date.now() + 3_600_000);
      return registry(small).peek(tasksOf(board.id)) === undefined;
    });
    expectProblem(await http.get(`/api/shapes/tasks?board=${board.id}&offset=-1`), 404);
  });
});

describe('SHAPE_MAX_LIVE', () => {
  it('drops the least recently used idle shape for a new one, and 503s when every shape is followed', async () => {
    const http = api(capped.url);
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map((i) => makeBoard(http, `Cap ${i}`)));
    const get = (board: string, query = 'offset=-1') =>
      fetchAs(`${capped.url}/api/shapes/tasks?board=${board}&${query}`);
    const r = registry(capped);
    r.sweep(Date.now() + 3_600_000); // start from no shapes
    await get(a!.id);
    const bFirst = await get(b!.id);
    await get(a!.id); // a is now more recently used than b
    await get(c!.id);
    expect(r.stats().shapes).toBe(2);
    expect(r.peek(tasksOf(b!.id))).toBeUndefined();
    expect(r.peek(tasksOf(a!.id))).toBeDefined();
    expect(r.stats().evicted['shapes-cap']).toBe(1);
    // b's client gets 409 and can start over
    const stale = await get(
      b!.id,
      `offset=${bFirst.headers.get('electric-offset')}&handle=${bFirst.headers.get('electric-handle')}`,
    );
    expect(stale.status).toBe(409);

    // Now every live shape has a held long-poll: a new shape has no room.
    const first = await Promise.all([a!, c!].map((board) => get(board.id)));
    const polls = [a!, c!].map((board, i) =>
      get(
        board.id,
        `offset=${first[i]!.headers.get('electric-offset')}&handle=${first[i]!.headers.get('electric-handle')}&live=true`,
      ),
    );
    for (const board of [a!, c!]) await waitHeld(capped, board.id, 1);
    const full = await http.get(`/api/shapes/tasks?board=${d!.id}&offset=-1`);
    expectProblem(full, 503);
    expect(full.headers.get('retry-after')).toBe('1');
    await makeTask(http, a!.id, a!.columns[0]!.id, 'wake a');
    await makeTask(http, c!.id, c!.columns[0]!.id, 'wake c');
    await Promise.all(polls);
  });
});

describe('SHAPE_MAX_BYTES and SHAPE_CACHE_MAX_BYTES', () => {
  it('keeps the bytes held under the cap, dropping the least recently used shape', async () => {
    const http = api(small.url);
    const r = registry(small);
    r.sweep(Date.now() + 3_600_000);
    expect(r.stats()).toMatchObject({ shapes: 0, bytes: 0 });
    const boards = [];
    for (let i = 0; i < 4; i++) {
      const board = await makeBoard(http, `Bytes ${i}`);
      // ~2 KB a row: one board's shape is ~6.5 KB, so three fit under 20,000 bytes and four do not
      for (let j = 0; j < 3; j++)
        await makeTask(http, board.id, board.columns[0]!.id, `t${j}`, { description: 'x'.repeat(2000) });
      boards.push(board);
    }
    for (const board of boards) {
      expect((await fetchAs(`${small.url}/api/shapes/tasks?board=${board.id}&offset=-1`)).status).toBe(200);
      expect(r.stats().bytes).toBeLessThanOrEqual(20_000);
    }
    expect(r.stats().evicted['bytes-cap']).toBeGreaterThan(0);
    expect(r.peek(tasksOf(boards[0]!.id))).toBeUndefined();
    expect(r.peek(tasksOf(boards[3]!.id))).toBeDefined();
    // The count is exact: dropping everything leaves nothing counted.
    r.sweep(Date.now() + 3_600_000);
    expect(r.stats()).toMatchObject({ shapes: 0, bytes: 0 });
  });

  it('keeps a single shape larger than the cap for its client, rather than a refetch loop', async () => {
    const http = api(small.url);
    const r = registry(small);
    r.sweep(Date.now() + 3_600_000);
    const board = await makeBoard(http, 'Huge');
    for (let j = 0; j < 12; j++)
      await makeTask(http, board.id, board.columns[0]!.id, `h${j}`, { description: 'x'.repeat(2000) });
    const f = follow(`${small.url}/api/shapes/tasks`, { board: board.id });
    await f.until(() => f.rows().length === 12, 10_000, 'the huge shape');
    f.stop();
    expect(r.stats().bytes).toBeGreaterThan(20_000);
    expect(r.peek(tasksOf(board.id))).toBeDefined();
    expect(f.messages.some((m) => 'control' in m.headers && m.headers.control === 'must-refetch')).toBe(
      false,
    );
  });

  it('caches bodies for distinct offsets only within SHAPE_CACHE_MAX_BYTES', async () => {
    const http = api(small.url);
    const r = registry(small);
    r.sweep(Date.now() + 3_600_000);
    const board = await makeBoard(http, 'Offsets');
    const first = await fetchAs(`${small.url}/api/shapes/tasks?board=${board.id}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    let offset = first.headers.get('electric-offset')!;
    const offsets = [offset];
    for (let i = 0; i < 12; i++) {
      await makeTask(http, board.id, board.columns[0]!.id, `o${i}`, { description: 'y'.repeat(300) });
      const res = await fetchAs(
        `${small.url}/api/shapes/tasks?board=${board.id}&offset=${offset}&handle=${handle}&live=true`,
      );
      offset = res.headers.get('electric-offset')!;
      offsets.push(offset);
    }
    // every distinct offset once, as clients at different positions would
    const shape = r.peek(tasksOf(board.id))!;
    for (const at of offsets) {
      const res = await fetchAs(
        `${small.url}/api/shapes/tasks?board=${board.id}&offset=${at}&handle=${handle}`,
      );
      expect(res.status).toBe(200);
      expect(shape.cachedBytes).toBeLessThanOrEqual(4096);
    }
    expect(shape.cachedBytes).toBeGreaterThan(0); // the small bodies are still shared
    expect(shape.bytes).toBe(r.stats().bytes);
  });
});
