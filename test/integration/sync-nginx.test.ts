import { describe, expect, withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { follow, type Follower } from '../support/sync-client';
import { nginxInstalled, startNginx, type Nginx } from '../support/nginx';
import { api } from '../support/http';
import { fetchAs, setDefaultHeaders } from '../support/auth';

// Electric's HTTP caching through a real nginx configured as Electric recommends: N viewers of
// one board, each an official ShapeStream long-polling through the proxy, cost the server about
// one request per change, counted at the server's shape route.

const VIEWERS = 20;
const CHANGES = 5;
// Long enough that no held request times out while the test runs (a timeout is one more request).
const LONG_POLL_MS = 20_000;

const run = nginxInstalled() ? describe : describe.skip;
if (!nginxInstalled()) console.warn('sync-nginx.test.ts skipped: /usr/sbin/nginx is not installed');

const it = withFixtures({ syncEnv: { SHAPE_LONG_POLL_MS: String(LONG_POLL_MS) } });

run('through a caching nginx', () => {
  let t: SyncTestApp;
  let proxy: Nginx;
  it.beforeAll(async ({ syncApp }) => {
    t = syncApp;
    proxy = await startNginx({ upstreamPort: Number(new URL(t.url).port), longPollMs: LONG_POLL_MS });
    // The viewers are the app's first user, through the proxy as directly.
    setDefaultHeaders(proxy.url, t.owner!.headers);
  });
  it.afterAll(async () => {
    await proxy?.stop();
  });

  it(`${VIEWERS} viewers of one board cost about one upstream request per change`, async () => {
    const rest = api(t.url);
    const board = (await rest.post('/api/boards', { name: 'Cached' })).body.data;
    const requests = () => t.sync.builtin!.shapeRequests();
    const viewers: Follower[] = [];
    for (let i = 0; i < VIEWERS; i++) {
      viewers.push(follow(`${proxy.url}/api/shapes/tasks`, { board: board.id }));
    }
    await Promise.all(viewers.map((v) => v.until(() => true, 20_000, 'first sync')));
    // From here on every viewer re-arms on the same live URL after each change: one request
    // goes upstream and is held, the rest wait for its answer in nginx's cache lock.
    const before = requests();

    for (let i = 0; i < CHANGES; i++) {
      const created = (
        await rest.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: `c${i}` })
      ).body.data;
      await Promise.all(
        viewers.map((v) => v.until(() => v.rows().some((r) => r.id === created.id), 20_000, `change ${i}`)),
      );
    }
    const upstream = requests() - before;
    // Without the cache this would be VIEWERS × CHANGES requests (100); with it, one per change
    // plus at most one per change for a viewer that re-armed on a different URL.
    expect(upstream, `upstream requests for ${CHANGES} changes`).toBeLessThanOrEqual(CHANGES * 2);
    expect(upstream).toBeGreaterThanOrEqual(CHANGES);
    for (const v of viewers) {
      expect(v.rows()).toHaveLength(CHANGES);
      expect(v.errors).toEqual([]);
      v.stop();
    }
  });

  it('serves a cached snapshot with X-Proxy-Cache HIT and never caches an error', async () => {
    const rest = api(t.url);
    const board = (await rest.post('/api/boards', { name: 'Hit' })).body.data;
    const path = `/api/shapes/tasks?board=${board.id}&offset=-1`;
    const first = await fetchAs(`${proxy.url}${path}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-proxy-cache')).toBe('MISS');
    await first.arrayBuffer();
    const second = await fetchAs(`${proxy.url}${path}`);
    expect(second.headers.get('x-proxy-cache')).toBe('HIT');
    expect(second.headers.get('electric-handle')).toBe(first.headers.get('electric-handle'));
    await second.arrayBuffer();

    const bad = `/api/shapes/tasks?board=${board.id}&offset=nope`;
    for (let i = 0; i < 2; i++) {
      const res = await fetchAs(`${proxy.url}${bad}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-proxy-cache')).not.toBe('HIT');
      await res.arrayBuffer();
    }
  });
});
