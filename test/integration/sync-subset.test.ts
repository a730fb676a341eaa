import { describe, expect } from 'vitest';
import { isChangeMessage, type Row } from '@electric-sql/client';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { api } from '../support/http';
import { signUp } from '../support/auth';

// log=changes_only and subset snapshots (electric-protocol §3.6, §4, §6.2) with the official
// client's requestSnapshot / fetchSnapshot, GET and POST, through the app's gated shape route.

const it = withFixtures();
let t: SyncTestApp;
let http: ReturnType<typeof api>;
let board: string;
let other: string;
let column: string;

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  const b = (await http.post('/api/boards', { name: 'Subsets' })).body.data;
  board = b.id;
  column = b.columns[0].id;
  other = (await http.post('/api/boards', { name: 'Other board' })).body.data.id;
  const otherColumn = (await http.get(`/api/boards/${other}`)).body.data.columns[0].id;
  for (const title of ['page c', 'page a', 'page b', 'unrelated'])
    await http.post(`/api/boards/${board}/tasks`, { columnId: column, title });
  await http.post(`/api/boards/${other}/tasks`, { columnId: otherColumn, title: 'page on the other board' });
});

const shapeUrl = () => `${t.url}/api/shapes/tasks`;
const titles = (rows: Row[]) => rows.map((r) => r.title as string).sort();

describe('subset snapshots, as Electric answers them', () => {
  it('answers a GET subset with {metadata, data}, the snapshot header and the shape handle', async () => {
    const q = new URLSearchParams({
      board,
      offset: '-1',
      log: 'changes_only',
      subset__where: '"title" LIKE $1',
      subset__params: JSON.stringify({ 1: 'page%' }),
      subset__order_by: '"title" DESC',
      subset__limit: '2',
    });
    const res = await http.get(`/api/shapes/tasks?${q.toString()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('electric-snapshot')).toBe('true');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('electric-handle')).toBeTruthy();
    expect(res.headers.get('electric-offset')).toMatch(/^\d+_(\d+|inf)$/);
    expect(JSON.parse(res.headers.get('electric-schema')!)).toHaveProperty('title');
    const { metadata, data } = res.body;
    // Postgres' own snapshot and WAL position, 64-bit, as decimal strings (the client BigInt()s them)
    expect(metadata).toMatchObject({
      xmin: expect.stringMatching(/^\d+$/),
      xmax: expect.stringMatching(/^\d+$/),
      database_lsn: expect.stringMatching(/^\d+$/),
      snapshot_mark: expect.any(Number),
    });
    expect(Array.isArray(metadata.xip_list)).toBe(true);
    // ordered, limited, narrowed to this board (the other board's "page" row is not there)
    expect(data.map((m: { value: Row }) => m.value.title)).toEqual(['page c', 'page b']);
    expect(data[0].headers).toEqual({
      operation: 'insert',
      relation: ['public', 'tasks'],
      snapshot_mark: metadata.snapshot_mark,
    });
    expect(data[0].key).toBe(`"public"."tasks"/"${data[0].value.id}"`);
  });

  it('answers offset=-1 of a changes_only shape without rows, under a handle of its own', async () => {
    const full = await http.get(`/api/shapes/tasks?board=${board}&offset=-1`);
    const res = await http.get(`/api/shapes/tasks?board=${board}&offset=-1&log=changes_only`);
    expect(res.status).toBe(200);
    // nothing, not even up-to-date (as Electric answers offset=-1); the log follows at 0_inf
    expect(res.body).toEqual([]);
    expect(res.headers.get('electric-offset')).toBe('0_inf');
    const next = await http.get(
      `/api/shapes/tasks?board=${board}&offset=0_inf&log=changes_only&handle=${res.headers.get('electric-handle')}`,
    );
    expect(next.body).toEqual([
      { headers: { control: 'up-to-date', global_last_seen_lsn: expect.any(String) } },
    ]);
    expect(full.body.filter((m: { key?: string }) => m.key).length).toBeGreaterThanOrEqual(4);
    // the log mode is part of the shape's definition, as in Electric
    expect(res.headers.get('electric-handle')).not.toBe(full.headers.get('electric-handle'));
  });

  it('starts a changes_only stream empty and fills it through requestSnapshot, GET and POST alike', async () => {
    for (const subsetMethod of ['GET', 'POST'] as const) {
      const f = follow(shapeUrl(), { board }, { log: 'changes_only', offset: 'now', subsetMethod });
      await f.until(() => true, 10_000, 'first up-to-date');
      expect(f.rows()).toEqual([]); // no initial rows in changes_only mode
      await f.stream.requestSnapshot({
        where: '"title" LIKE $1',
        params: { 1: 'page%' },
        orderBy: '"title" ASC',
        limit: 2,
      });
      await f.until(() => f.rows().length === 2, 10_000, `${subsetMethod} subset rows`);
      expect(titles(f.rows())).toEqual(['page a', 'page b']);
      expect(f.errors).toEqual([]);
      f.stop();
    }
  });

  it('delivers live changes after the subset: updates of loaded rows, and new rows', async () => {
    const f = follow(shapeUrl(), { board }, { log: 'changes_only', offset: 'now' });
    await f.until(() => true, 10_000, 'first up-to-date');
    const { data } = await f.stream.requestSnapshot({ where: '"title" = $1', params: { 1: 'page a' } });
    const loaded = data[0]!.value.id as string;
    await f.until(() => f.rows().length === 1, 10_000, 'subset row');
    await http.patch(`/api/tasks/${loaded}`, { description: 'changed after the subset' });
    await f.until(
      () => f.rows()[0]?.description === 'changed after the subset',
      10_000,
      'update of a loaded row',
    );
    const created = (await http.post(`/api/boards/${board}/tasks`, { columnId: column, title: 'live' })).body;
    await f.until(() => f.rows().some((r) => r.id === created.data.id), 10_000, 'live insert');
    // the live change carries its txid, so TanStack DB can confirm a write through it
    const insert = f.messages.filter(isChangeMessage).find((m) => m.value.id === created.data.id)!;
    expect((insert.headers as { txids?: number[] }).txids).toEqual([created.txid]);
    f.stop();
  });

  it('orders numbers as numbers across digit boundaries (the values go out as text)', async () => {
    const b = (await http.post('/api/boards', { name: 'Numeric order' })).body.data;
    const tokens = [9, 100, 10, 2, 11];
    for (const n of tokens) {
      const task = (
        await http.post(`/api/boards/${b.id}/tasks`, { columnId: b.columns[0].id, title: `t${n}` })
      ).body.data;
      await t.db.pool.query('UPDATE tasks SET tokens_total = $1 WHERE id = $2', [n, task.id]);
    }
    const q = new URLSearchParams({
      board: b.id,
      offset: '-1',
      log: 'changes_only',
      subset__order_by: '"tokens_total" DESC',
      subset__limit: '3',
    });
    const res = await http.get(`/api/shapes/tasks?${q.toString()}`);
    expect(res.status).toBe(200);
    // in text order this would be 9, 2, 11
    expect(res.body.data.map((m: { value: Row }) => m.value.title)).toEqual(['t100', 't11', 't10']);
  });

  it('answers a subset at the offset the stream is at: a change it was not sent yet still follows', async () => {
    // requestSnapshot moves the official client's stream to the subset's electric-offset. A change
    // already in the shape's log but not yet sent to this client, and not in the subset (another
    // column, a row past the page), must still come after that offset, or the client never sees
    // it (test/e2e/board-ondemand.test.ts: a live insert missed while a column loaded its page).
    const q = (params: Record<string, string>) =>
      `/api/shapes/tasks?${new URLSearchParams({ board, log: 'changes_only', ...params }).toString()}`;
    const start = await http.get(q({ offset: 'now' }));
    const handle = start.headers.get('electric-handle')!;
    const at = start.headers.get('electric-offset')!;
    const created = (await http.post(`/api/boards/${board}/tasks`, { columnId: column, title: 'not paged' }))
      .body;
    const ids = (body: unknown[]) =>
      (body as { value?: Row }[]).filter((m) => m.value).map((m) => m.value!.id as string);
    // Wait until it is in the log: follow the live stream from `at` (earlier tests' changes to
    // this board may still be arriving first); this client then acts as if it had not taken it.
    for (let cursor = at, seen = false; !seen;) {
      const live = await http.get(q({ offset: cursor, handle, live: 'true' }));
      seen = ids(live.body).includes(created.data.id);
      cursor = live.headers.get('electric-offset')!;
    }
    const sub = await http.get(
      q({
        offset: at,
        handle,
        subset__where: '"title" = $1',
        subset__params: JSON.stringify({ 1: 'page a' }),
      }),
    );
    expect(sub.status).toBe(200);
    expect(sub.body.data.map((m: { value: Row }) => m.value.title)).toEqual(['page a']);
    const next = await http.get(q({ offset: sub.headers.get('electric-offset')!, handle }));
    expect(next.status).toBe(200);
    expect(ids(next.body)).toContain(created.data.id);
  });

  it('fetchSnapshot works on a full (log=full) stream too, as progressive mode uses it', async () => {
    const f = follow(shapeUrl(), { board });
    const snap = await f.stream.fetchSnapshot({ where: '"title" LIKE $1', params: { 1: 'page%' } });
    expect(titles(snap.data.map((m) => m.value))).toEqual(['page a', 'page b', 'page c']);
    await f.until(() => f.rows().length >= 4, 10_000, 'full snapshot');
    f.stop();
  });
});

describe('subset refusals', () => {
  const get = (params: Record<string, string>) =>
    http.get(`/api/shapes/tasks?${new URLSearchParams({ board, offset: '-1', ...params }).toString()}`);

  it.for([
    [{ subset__order_by: 'random()' }, 'subset__order_by'],
    [{ subset__order_by: '"nope" ASC' }, 'subset__order_by'],
    [{ subset__order_by: '"title"; DROP TABLE tasks' }, 'subset__order_by'],
    [{ subset__limit: '10' }, 'subset__order_by'],
    [{ subset__limit: '-1', subset__order_by: '"title"' }, 'subset__limit'],
    [{ subset__where: '"nope" = 1' }, 'subset__where'],
    [{ subset__where: '"title" = $1' }, 'subset__params'],
    [{ subset__where: 'pg_sleep(1) IS NULL' }, 'subset__where'],
    [{ subset__params: 'not json' }, 'subset__params'],
    [{ subset__bogus: '1' }, 'subset__bogus'],
  ] as const)('%o is a 400 naming %s', async ([params, field]) => {
    const res = await get(params);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body.errors?.[0]?.path ?? res.body.detail).toContain(field);
  });

  it('refuses a POST whose body is not an object, or too large', async () => {
    const url = `/api/shapes/tasks?board=${board}&offset=-1`;
    expect((await http.post(url, '[1]')).status).toBe(400);
    expect((await http.post(url, '{"where":')).status).toBe(400);
    expect((await http.post(url, { where: `"title" = '${'x'.repeat(2_000_000)}'` })).status).toBe(413);
  });

  it('keeps the access gate in front of subsets: another user gets 403, nobody 401', async () => {
    const stranger = await signUp(t.url);
    const q = `board=${board}&offset=-1&subset__where=${encodeURIComponent('true = true')}`;
    expect((await api(t.url, stranger.headers).get(`/api/shapes/tasks?${q}`)).status).toBe(403);
    expect(
      (await api(t.url, stranger.headers).post(`/api/shapes/tasks?board=${board}&offset=-1`, {})).status,
    ).toBe(403);
    expect((await api(t.url, {}).get(`/api/shapes/tasks?${q}`)).status).toBe(401);
  });

  it('answers 409 with the current handle to a subset at a handle that is gone', async () => {
    const res = await get({ handle: 'gone-handle', offset: '0_inf', subset__where: 'true = true' });
    expect(res.status).toBe(409);
    expect(res.headers.get('electric-handle')).toBeTruthy();
  });
});
