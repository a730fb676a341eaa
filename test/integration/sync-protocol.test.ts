import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { fetchAs } from '../support/auth';

// The wire contract of /api/shapes/* checked with raw HTTP (electric-protocol §1–§7).

let t: SyncTestApp;
let http: ReturnType<typeof api>;
let board: string;
let column: string;
const LONG_POLL_MS = 600;
const it = withFixtures({ syncEnv: { SHAPE_LONG_POLL_MS: String(LONG_POLL_MS) } });

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  const b = await http.post('/api/boards', { name: 'Protocol' });
  board = b.body.data.id;
  column = b.body.data.columns[0].id;
});

const get = (path: string) => fetchAs(`${t.url}${path}`);

describe('shape routes', () => {
  it('404s an unknown shape and 400s a missing, malformed or doubled id with problem JSON', async () => {
    const unknown = await http.get('/api/shapes/users?offset=-1');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ status: 404, type: '/problems/not-found' });
    for (const path of [
      '/api/shapes/tasks?offset=-1',
      '/api/shapes/tasks?board=nope&offset=-1',
      `/api/shapes/messages?task=${randomUUID()}&board=${randomUUID()}&offset=-1`,
      `/api/shapes/tasks?board=${board}&board=${board}&offset=-1`,
    ]) {
      const res = await http.get(path);
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
      expect(res.body.detail).toBeTruthy();
    }
  });

  it('never lets a client choose the table, filter or columns', async () => {
    for (const extra of ['table=boards', 'where=true', 'params[1]=x', 'columns=id', 'replica=full']) {
      const res = await http.get(`/api/shapes/tasks?board=${board}&offset=-1&${extra}`);
      expect(res.status, extra).toBe(400);
      expect(res.body.detail).toContain('fixed by the server');
    }
  });

  it('400s bad protocol parameters', async () => {
    const base = `/api/shapes/tasks?board=${board}`;
    const { headers } = await get(`${base}&offset=-1`);
    const handle = headers.get('electric-handle')!;
    for (const q of [
      '',
      'offset=abc',
      'offset=1_x',
      'offset=0_0',
      'offset=-1&live=true',
      'offset=now&live=true',
      `offset=0_inf&handle=${handle}&live_sse=true`,
      'offset=-1&log=weird',
      'offset=-1&subset__where=nope',
      'offset=-1&subset__limit=1',
      `offset=99999999999_0&handle=${handle}`,
    ]) {
      const res = await http.get(`${base}&${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('responses', () => {
  it('answers offset=-1 with every required header and the rows as text values', async () => {
    // A board whose shape does not exist yet, so the row comes from the snapshot query.
    const fresh = (await http.post('/api/boards', { name: 'Fresh' })).body.data;
    const created = await http.post(`/api/boards/${fresh.id}/tasks`, {
      columnId: fresh.columns[0].id,
      title: 'First',
    });
    const res = await get(`/api/shapes/tasks?board=${fresh.id}&offset=-1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('electric-handle')).toBeTruthy();
    // As Electric (shapes/api.ex determine_up_to_date): the snapshot alone, without up-to-date,
    // at 0_inf; the next request there brings the log and the up-to-date.
    expect(res.headers.get('electric-offset')).toBe('0_inf');
    expect(res.headers.has('electric-up-to-date')).toBe(false);
    // Electric's values (shapes/api/response.ex): the snapshot is cacheable, see sync-cache.test.ts
    expect(res.headers.get('cache-control')).toBe(
      'public, max-age=604800, s-maxage=3600, stale-while-revalidate=2629746',
    );
    expect(res.headers.get('etag')).toBeTruthy();
    const schema = JSON.parse(res.headers.get('electric-schema')!);
    expect(schema.id).toEqual({ type: 'uuid', not_null: true, pk_index: 0 });
    expect(schema.model).toEqual({ type: 'text' });
    expect(schema.created_at).toEqual({ type: 'timestamptz', not_null: true });
    const body = (await res.json()) as any[];
    const row = body.find((m: { key?: string }) => m.key);
    expect(row.key).toBe(`"public"."tasks"/"${created.body.data.id}"`);
    expect(row.headers).toEqual({ operation: 'insert', relation: ['public', 'tasks'] });
    expect(row.value.model).toBeNull();
    for (const v of Object.values(row.value)) expect(v === null || typeof v === 'string').toBe(true);
    expect(body.at(-1).headers.control).toBe('snapshot-end');
    expect(body.some((m) => m.headers.control === 'up-to-date')).toBe(false);
    const handle = res.headers.get('electric-handle')!;
    const next = await get(`/api/shapes/tasks?board=${fresh.id}&offset=0_inf&handle=${handle}`);
    expect(next.headers.get('electric-up-to-date')).toBe('');
    const rest = (await next.json()) as any[];
    expect(rest.at(-1).headers.control).toBe('up-to-date');
    expect(rest.at(-1).headers.global_last_seen_lsn).toMatch(/^\d+$/);
  });

  it('answers offset=now with no rows, the head offset and the schema', async () => {
    const res = await get(`/api/shapes/tasks?board=${board}&offset=now`);
    expect(res.status).toBe(200);
    expect(res.headers.get('electric-schema')).toBeTruthy();
    const body = (await res.json()) as any[];
    expect(body).toHaveLength(1);
    expect(body[0].headers.control).toBe('up-to-date');
  });

  it('holds an idle live request, then answers 200 with up-to-date, the same offset and a cursor', async () => {
    const first = await get(`/api/shapes/tasks?board=${board}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    const offset = first.headers.get('electric-offset')!;
    const started = performance.now();
    const res = await get(
      `/api/shapes/tasks?board=${board}&offset=${offset}&handle=${handle}&live=true&cursor=`,
    );
    const took = performance.now() - started;
    expect(res.status).toBe(200);
    // Held for the long-poll period, not answered at once (a floor: a loaded machine only adds).
    expect(took).toBeGreaterThanOrEqual(LONG_POLL_MS - 50);
    expect(res.headers.get('electric-offset')).toBe(offset);
    expect(res.headers.get('electric-cursor')).toMatch(/^\d+$/);
    expect(res.headers.get('electric-handle')).toBe(handle);
    expect(await res.json()).toEqual([
      { headers: { control: 'up-to-date', global_last_seen_lsn: expect.stringMatching(/^\d+$/) } },
    ]);
  });

  it('wakes a held request with the change, a partial update carrying PK + changed columns and txids', async () => {
    const first = await get(`/api/shapes/tasks?board=${board}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    const live = (at: string) =>
      get(`/api/shapes/tasks?board=${board}&offset=${at}&handle=${handle}&live=true&cursor=`);
    const heldInsert = live(first.headers.get('electric-offset')!);
    const created = await http.post(`/api/boards/${board}/tasks`, { columnId: column, title: 'Held' });
    const id = created.body.data.id;
    const inserted = await heldInsert;
    const insert = ((await inserted.json()) as any[]).find((m: { key?: string }) => m.key);
    expect(insert.headers).toMatchObject({ operation: 'insert', txids: [created.body.txid] });
    expect(insert.value.id).toBe(id);
    const offset = inserted.headers.get('electric-offset')!;
    const held = get(`/api/shapes/tasks?board=${board}&offset=${offset}&handle=${handle}&live=true&cursor=`);
    const patched = await http.patch(`/api/tasks/${id}`, { title: 'Renamed' });
    const res = await held;
    const body = (await res.json()) as any[];
    expect(res.headers.get('electric-offset')).not.toBe(offset);
    const change = body.find((m: { key?: string }) => m.key);
    expect(change.headers).toMatchObject({
      operation: 'update',
      relation: ['public', 'tasks'],
      txids: [patched.body.txid],
      lsn: expect.stringMatching(/^\d+$/),
      last: true,
    });
    // updated_at is set by a trigger, so it changed too
    expect(Object.keys(change.value).sort()).toEqual(['id', 'title', 'updated_at']);
    expect(change.value.title).toBe('Renamed');
    expect(body.at(-1).headers.control).toBe('up-to-date');

    // deletes carry the primary key only
    const next = res.headers.get('electric-offset')!;
    const held2 = get(`/api/shapes/tasks?board=${board}&offset=${next}&handle=${handle}&live=true&cursor=1`);
    const deleted = await http.del(`/api/tasks/${id}`);
    const body2 = (await (await held2).json()) as any[];
    const del = body2.find((m: { key?: string }) => m.key);
    expect(del.headers.operation).toBe('delete');
    expect(del.headers.txids).toEqual([deleted.body.txid]);
    expect(del.value).toEqual({ id });
  });

  it('409s an unknown handle with the current one, and a non-live catch-up carries the schema', async () => {
    const first = await get(`/api/shapes/tasks?board=${board}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    const log = await get(`/api/shapes/tasks?board=${board}&offset=0_inf&handle=${handle}`);
    const offset = log.headers.get('electric-offset')!;
    const stale = await get(`/api/shapes/tasks?board=${board}&offset=${offset}&handle=not-a-handle`);
    expect(stale.status).toBe(409);
    expect(stale.headers.get('electric-handle')).toBe(handle);
    expect(await stale.json()).toEqual([{ headers: { control: 'must-refetch' } }]);
    const catchUp = await get(`/api/shapes/tasks?board=${board}&offset=${offset}&handle=${handle}`);
    expect(catchUp.status).toBe(200);
    expect(catchUp.headers.get('electric-schema')).toBeTruthy();
    expect(catchUp.headers.get('electric-offset')).toBe(offset);
  });

  it('serves one shared log per shape, not one per client', async () => {
    const a = await get(`/api/shapes/columns?board=${board}&offset=-1`);
    const b = await get(`/api/shapes/columns?board=${board.toUpperCase()}&offset=-1`);
    expect(a.headers.get('electric-handle')).toBe(b.headers.get('electric-handle'));
    const created = (await http.post('/api/boards', { name: 'Other' })).body.data;
    const other = await get(`/api/shapes/columns?board=${created.id}&offset=-1`);
    expect(other.headers.get('electric-handle')).not.toBe(a.headers.get('electric-handle'));
    // its own columns, then snapshot-end (the up-to-date comes with the next request)
    expect(await other.json()).toHaveLength(created.columns.length + 1);
  });
});
