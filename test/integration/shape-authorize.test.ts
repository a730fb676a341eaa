import { describe, expect, withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { nginxInstalled, startNginx, type Nginx } from '../support/nginx';
import { api } from '../support/http';
import { signIn, cookiesOf, signUp, type Session } from '../support/auth';
import { addMember } from '../support/full-app';

// GET /api/shapes/authorize (for nginx's auth_request) answers from the session and the shape in
// X-Original-URI: 204 for a member, 403 for anyone else, 401 without credentials. Behind a real
// caching nginx configured with it (test/support/nginx.ts, docs/accounts.md), a cached shape is
// never served once the session that cached it has ended: authorization is in front of the cache.

const it = withFixtures();
let t: SyncTestApp;
let outsider: Session;
let boardId: string;
it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  outsider = await signUp(t.url, { name: 'Outsider' });
  boardId = (await api(t.url).post('/api/boards', { name: 'Guarded' })).body.data.id;
});

const authorize = (uri: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/api/shapes/authorize`, {
    headers: { ...headers, ...(uri === undefined ? {} : { 'x-original-uri': uri }) },
  });

describe('GET /api/shapes/authorize', () => {
  it('204 for a member, 403 for a non-member, 401 without credentials; nothing read', async () => {
    const uri = `/api/shapes/tasks?board=${boardId}&offset=-1`;
    const before = t.sync.builtin!.shapeRequests();
    const ok = await authorize(uri, t.owner!.headers);
    expect(ok.status).toBe(204);
    const no = await authorize(uri, outsider.headers);
    expect(no.status).toBe(403);
    expect(((await no.json()) as { type: string }).type).toBe('/problems/forbidden');
    expect((await authorize(uri)).status).toBe(401);
    // A member the moment they join.
    const member = await signUp(t.url, { name: 'Joiner' });
    expect((await authorize(uri, member.headers)).status).toBe(403);
    await addMember(t.url, t.owner!, member, boardId, 'viewer');
    expect((await authorize(uri, member.headers)).status).toBe(204);
    // Own memberships only; anything that is not a shape URL fails closed.
    expect((await authorize('/api/shapes/members?user=me&offset=-1', outsider.headers)).status).toBe(204);
    expect(
      (await authorize(`/api/shapes/members?user=${t.owner!.userId}&offset=-1`, outsider.headers)).status,
    ).toBe(403);
    expect((await authorize(undefined, t.owner!.headers)).status).toBe(403);
    expect((await authorize('/api/boards', t.owner!.headers)).status).toBe(403);
    expect(t.sync.builtin!.shapeRequests()).toBe(before);
  });

  const run = nginxInstalled() ? it : it.skip;
  run('behind a caching nginx with auth_request: a cached shape is not served once access ends', async () => {
    let proxy: Nginx | undefined;
    try {
      proxy = await startNginx({
        upstreamPort: Number(new URL(t.url).port),
        longPollMs: 1000,
        authRequest: '/api/shapes/authorize',
      });
      // A session of its own, to end it.
      const res = await signIn(t.url, outsider.email);
      const session = { cookie: cookiesOf(res) };
      const board = (await api(t.url).post('/api/boards', { name: 'Cached' })).body.data.id as string;
      const path = `/api/shapes/tasks?board=${board}&offset=-1`;
      const me = await signUp(t.url, { name: 'Cacher' });
      await addMember(t.url, t.owner!, me, board, 'viewer');
      const first = await fetch(`${proxy.url}${path}`, { headers: { cookie: me.cookie } });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-proxy-cache')).toBe('MISS');
      await first.arrayBuffer();
      const hit = await fetch(`${proxy.url}${path}`, { headers: { cookie: me.cookie } });
      expect(hit.headers.get('x-proxy-cache')).toBe('HIT');
      await hit.arrayBuffer();
      // Not a member: refused by the subrequest, before the cache.
      expect((await fetch(`${proxy.url}${path}`, { headers: session })).status).toBe(403);
      expect((await fetch(`${proxy.url}${path}`)).status).toBe(401);
      // Removed: the same request, the same cookie, the answer still cached — refused.
      expect((await api(t.url).del(`/api/boards/${board}/members/${me.userId}`)).status).toBe(200);
      const after = await fetch(`${proxy.url}${path}`, { headers: { cookie: me.cookie } });
      expect(after.status).toBe(403);
      expect(after.headers.get('x-proxy-cache')).not.toBe('HIT');
    } finally {
      await proxy?.stop();
    }
  });
});
