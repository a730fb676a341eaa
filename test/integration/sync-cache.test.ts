import { describe, expect, withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { fetchAs } from '../support/auth';

// Electric's cache headers per response kind (sync-service shapes/api/response.ex,
// put_cache_headers; electric-protocol §2.4), ETag / If-None-Match → 304, and the cursor that
// makes consecutive live URLs differ (§5.2). Raw HTTP: a cache sees exactly these headers.

const LONG_POLL_MS = 300;
const it = withFixtures({ syncEnv: { SHAPE_LONG_POLL_MS: String(LONG_POLL_MS), SHAPE_CACHE_MAX_AGE: '42' } });
let t: SyncTestApp;
let http: ReturnType<typeof api>;
it.beforeAll(({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
});

async function boardShape(name: string) {
  const board = (await http.post('/api/boards', { name })).body.data;
  const base = `${t.url}/api/shapes/tasks?board=${board.id}`;
  const first = await fetchAs(`${base}&offset=-1`);
  await first.arrayBuffer();
  return {
    board,
    base,
    first,
    handle: first.headers.get('electric-handle')!,
    offset: first.headers.get('electric-offset')!,
  };
}

describe('Cache-Control per response kind', () => {
  it('uses Electric’s values for snapshot, catch-up, live, 409 and errors', async () => {
    const { board, base, first, handle, offset } = await boardShape('Kinds');
    expect(first.headers.get('cache-control')).toBe(
      'public, max-age=604800, s-maxage=3600, stale-while-revalidate=2629746',
    );
    await http.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: 'x' });

    const live = await fetchAs(`${base}&offset=${offset}&handle=${handle}&live=true&cursor=`);
    expect(live.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=5');
    await live.arrayBuffer();
    // non-live catch-up: SHAPE_CACHE_MAX_AGE (42 here) and SHAPE_CACHE_STALE_AGE (300)
    const log = await fetchAs(`${base}&offset=${offset}&handle=${handle}`);
    expect(log.headers.get('cache-control')).toBe('public, max-age=42, stale-while-revalidate=300');
    await log.arrayBuffer();
    const gone = await fetchAs(`${base}&offset=${offset}&handle=old-handle`);
    expect(gone.status).toBe(409);
    expect(gone.headers.get('cache-control')).toBe('public, max-age=60, must-revalidate');
    await gone.arrayBuffer();
    const bad = await fetchAs(`${base}&offset=bad`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('cache-control')).toBe('no-store');
    await bad.arrayBuffer();
  });
});

describe('ETag and If-None-Match', () => {
  it('tags a response <handle>:<requested offset>:<response offset> and answers 304 to it', async () => {
    const { board, base, first, handle, offset } = await boardShape('Etag');
    expect(first.headers.get('etag')).toBe(`"${handle}:-1:${offset}"`);
    const again = await fetchAs(`${base}&offset=-1`, {
      headers: { 'if-none-match': first.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('electric-handle')).toBe(handle);

    await http.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: 'y' });
    const url = `${base}&offset=${offset}&handle=${handle}`;
    const log = await fetchAs(url);
    const tag = log.headers.get('etag')!;
    expect(tag).toBe(`"${handle}:${offset}:${log.headers.get('electric-offset')}"`);
    expect(((await log.json()) as unknown[]).length).toBe(2); // the insert and up-to-date
    const revalidated = await fetchAs(url, { headers: { 'if-none-match': `"other", ${tag}` } });
    expect(revalidated.status).toBe(304);
    const changed = await fetchAs(url, { headers: { 'if-none-match': '"something-else"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it('gives every empty live answer an etag of its own, so none is revalidated into a 304', async () => {
    const { base, handle, offset } = await boardShape('Empty');
    const url = `${base}&offset=${offset}&handle=${handle}&live=true&cursor=`;
    const a = await fetchAs(url);
    await a.arrayBuffer();
    const b = await fetchAs(url, { headers: { 'if-none-match': a.headers.get('etag')! } });
    expect(b.status).toBe(200);
    expect(b.headers.get('etag')).not.toBe(a.headers.get('etag'));
    expect(b.headers.get('electric-offset')).toBe(offset);
    await b.arrayBuffer();
  });
});

describe('electric-cursor', () => {
  it('moves past the cursor a client sends, so the next live URL is a new one', async () => {
    const { base, handle, offset } = await boardShape('Cursor');
    const a = await fetchAs(`${base}&offset=${offset}&handle=${handle}&live=true&cursor=`);
    const c1 = a.headers.get('electric-cursor')!;
    await a.arrayBuffer();
    const b = await fetchAs(`${base}&offset=${offset}&handle=${handle}&live=true&cursor=${c1}`);
    const c2 = b.headers.get('electric-cursor')!;
    await b.arrayBuffer();
    expect(Number(c2)).toBeGreaterThan(Number(c1));
  });
});
