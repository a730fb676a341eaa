import { describe, expect, withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { nginxInstalled, startNginx, type Nginx } from '../support/nginx';
import { api } from '../support/http';
import { signUp, type Session } from '../support/auth';
import { addMember } from '../support/full-app';

// SHAPE_SHARED_CACHE=true: behind a caching nginx that authorises every request itself
// (auth_request to /api/shapes/authorize), a board's shape is shared across sessions, so
// members with different cookies cost the server one request; per-user shapes still vary, and
// a non-member is still refused in front of the cache (docs/sync.md, "Behind a caching proxy").

const it = withFixtures({ syncEnv: { SHAPE_SHARED_CACHE: 'true' } });
const run = nginxInstalled() ? describe : describe.skip;

run('SHAPE_SHARED_CACHE behind nginx with auth_request', () => {
  let t: SyncTestApp;
  let proxy: Nginx;
  let board: string;
  const members: Session[] = [];
  it.beforeAll(async ({ syncApp }) => {
    t = syncApp;
    proxy = await startNginx({
      upstreamPort: Number(new URL(t.url).port),
      longPollMs: 1000,
      authRequest: '/api/shapes/authorize',
    });
    board = (await api(t.url).post('/api/boards', { name: 'Shared' })).body.data.id as string;
    for (let i = 0; i < 4; i++) {
      const m = await signUp(t.url, { name: `Viewer ${i}` });
      await addMember(t.url, t.owner!, m, board, 'viewer');
      members.push(m);
    }
  });
  it.afterAll(async () => {
    await proxy?.stop();
  });

  it('members with different sessions share one cached board shape; a non-member is refused', async () => {
    const path = `/api/shapes/tasks?board=${board}&offset=-1`;
    const direct = await fetch(`${t.url}${path}`, { headers: members[0]!.headers });
    expect(direct.headers.get('vary')).toBeNull();
    await direct.arrayBuffer();
    const before = t.sync.builtin!.shapeRequests();
    const seen: (string | null)[] = [];
    for (const m of members) {
      const res = await fetch(`${proxy.url}${path}`, { headers: { cookie: m.cookie } });
      expect(res.status).toBe(200);
      seen.push(res.headers.get('x-proxy-cache'));
      await res.arrayBuffer();
    }
    expect(seen).toEqual(['MISS', 'HIT', 'HIT', 'HIT']);
    expect(t.sync.builtin!.shapeRequests() - before).toBe(1);
    const outsider = await signUp(t.url, { name: 'Outsider' });
    expect((await fetch(`${proxy.url}${path}`, { headers: { cookie: outsider.cookie } })).status).toBe(403);
  });

  it('a per-user shape keeps Vary, so one member never gets another member’s cached answer', async () => {
    const path = `/api/shapes/members?user=me&offset=-1`;
    const direct = await fetch(`${t.url}${path}`, { headers: members[0]!.headers });
    expect(direct.headers.get('vary')).toBe('cookie, authorization');
    await direct.arrayBuffer();
    const rows: string[] = [];
    for (const m of members.slice(0, 2)) {
      const res = await fetch(`${proxy.url}${path}`, { headers: { cookie: m.cookie } });
      expect(res.headers.get('x-proxy-cache')).not.toBe('HIT');
      rows.push(await res.text());
    }
    expect(rows[0]).toContain(members[0]!.userId);
    expect(rows[1]).toContain(members[1]!.userId);
    expect(rows[1]).not.toContain(members[0]!.userId);
  });
});
