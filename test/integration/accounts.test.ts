import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { api } from '../support/http';
import { signUp, type Session } from '../support/auth';

// Accounts end to end over real HTTP: the first account, sign-up modes, the role matrix per kind
// of write, invite links (accept, expiry, revocation), API keys (create, use, revoke), and the
// cross-origin refusal that comes with cookies. The sign-in throttle: auth-throttle.test.ts.

describe('first run', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_SIGNUP: 'invite' }, { anonymous: true });
  });
  afterAll(() => t?.close());

  it('reports no users; the first account owns the boards from before accounts; sign-up then needs an invite', async () => {
    const anon = api(t.url, {});
    expect((await anon.get('/api/instance')).body).toEqual({ hasUsers: false, signup: 'invite' });
    const { rows } = await t.db.pool.query(`INSERT INTO boards (name) VALUES ('Old board') RETURNING id`);
    const first = await signUp(t.url, { name: 'Ada' });
    expect((await anon.get('/api/instance')).body).toEqual({ hasUsers: true, signup: 'invite' });
    const admin = await t.db.pool.query(`SELECT "isAdmin" FROM "user" WHERE id = $1`, [first.userId]);
    expect(admin.rows[0].isAdmin).toBe(true);
    const boards = await api(t.url, first.headers).get('/api/boards');
    expect(boards.body.data).toMatchObject([{ id: rows[0].id, role: 'owner' }]);
    await expect(signUp(t.url)).rejects.toThrow(/403.*invite/);
    const invite = await api(t.url, first.headers).post(`/api/boards/${rows[0].id}/invites`, {
      role: 'viewer',
    });
    const second = await signUp(t.url, { inviteToken: invite.body.data.token });
    const notAdmin = await t.db.pool.query(`SELECT "isAdmin" FROM "user" WHERE id = $1`, [second.userId]);
    expect(notAdmin.rows[0].isAdmin).toBe(false);
  });
});

describe('with a board and its members', () => {
  let t: TestApp;
  let owner: Session;
  let editor: Session;
  let viewer: Session;
  let boardId: string;
  let columnId: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = t.owner!;
    editor = await signUp(t.url, { name: 'Eddie' });
    viewer = await signUp(t.url, { name: 'Vera' });
    const board = await api(t.url).post('/api/boards', { name: 'Team' });
    boardId = board.body.data.id;
    columnId = board.body.data.columns[0].id;
    for (const [s, role] of [
      [editor, 'editor'],
      [viewer, 'viewer'],
    ] as const) {
      const inv = await api(t.url).post(`/api/boards/${boardId}/invites`, { role });
      expect(inv.status).toBe(201);
      expect(inv.body.data.url).toBe(`${t.url}/invite/${inv.body.data.token}`);
      expect((await api(t.url, s.headers).post(`/api/invites/${inv.body.data.token}/accept`)).status).toBe(
        200,
      );
    }
  });
  afterAll(() => t?.close());

  const as = (s: Session) => api(t.url, s.headers);

  it('the role matrix: viewers read, editors write, owners manage settings, members and deletion', async () => {
    const task = await as(editor).post(`/api/boards/${boardId}/tasks`, { columnId, title: 'By Eddie' });
    expect(task.status).toBe(201);
    expect(task.body.data).toMatchObject({ created_by: editor.userId, updated_by: editor.userId });
    const taskId = task.body.data.id as string;
    type Op = [string, string, unknown?];
    const writes: Op[] = [
      ['POST', `/api/boards/${boardId}/tasks`, { columnId, title: 'x' }],
      ['PATCH', `/api/tasks/${taskId}`, { title: 'y' }],
      ['POST', `/api/tasks/${taskId}/move`, { columnId }],
      ['POST', `/api/boards/${boardId}/columns`, { name: 'New' }],
      ['PATCH', `/api/boards/${boardId}`, { name: 'Renamed' }],
    ];
    const owners: Op[] = [
      ['PATCH', `/api/boards/${boardId}`, { settings: { systemPrompt: 'Be brief.' } }],
      ['POST', `/api/boards/${boardId}/invites`, { role: 'viewer' }],
      ['PATCH', `/api/boards/${boardId}/members/${viewer.userId}`, { role: 'viewer' }],
    ];
    for (const [m, p, b] of [...writes, ...owners]) {
      const res = await as(viewer).call(m, p, b);
      expect(res.status, `viewer ${m} ${p}`).toBe(403);
      expect(res.body.type).toBe('/problems/forbidden');
    }
    expect((await as(viewer).get(`/api/tasks/${taskId}`)).status).toBe(200);
    for (const [m, p, b] of writes)
      expect((await as(editor).call(m, p, b)).status, `editor ${m} ${p}`).toBeLessThan(300);
    for (const [m, p, b] of owners)
      expect((await as(editor).call(m, p, b)).status, `editor ${m} ${p}`).toBe(403);
    expect((await as(editor).del(`/api/boards/${boardId}`)).status).toBe(403);
    for (const [m, p, b] of owners)
      expect((await as(owner).call(m, p, b)).status, `owner ${m} ${p}`).toBeLessThan(300);
    expect((await as(viewer).del(`/api/tasks/${taskId}`)).status).toBe(403);
    expect((await as(editor).del(`/api/tasks/${taskId}`)).status).toBe(200);
  });

  it('assignees must be members of the board', async () => {
    const task = await as(editor).post(`/api/boards/${boardId}/tasks`, { columnId, title: 'Assign me' });
    const id = task.body.data.id as string;
    const ok = await as(editor).patch(`/api/tasks/${id}`, { assigneeIds: [viewer.userId, editor.userId] });
    expect(ok.status).toBe(200);
    expect(ok.body.data.assignee_ids).toEqual([viewer.userId, editor.userId]);
    const stranger = await signUp(t.url);
    const bad = await as(editor).patch(`/api/tasks/${id}`, { assigneeIds: [stranger.userId] });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('not a member');
  });

  it('the last owner can neither be demoted nor leave', async () => {
    const demote = await as(owner).patch(`/api/boards/${boardId}/members/${owner.userId}`, {
      role: 'editor',
    });
    expect(demote.status).toBe(409);
    expect((await as(owner).del(`/api/boards/${boardId}/members/${owner.userId}`)).status).toBe(409);
    const members = await as(viewer).get(`/api/boards/${boardId}/members`);
    expect(members.body.data.map((m: { user_name: string }) => m.user_name).sort()).toEqual([
      'Eddie',
      'Test Owner',
      'Vera',
    ]);
  });

  it('invite links: lookup, accept, expiry and revocation', async () => {
    const inv = await as(owner).post(`/api/boards/${boardId}/invites`, { role: 'editor', expiresInHours: 1 });
    const token = inv.body.data.token as string;
    const info = await api(t.url, {}).get(`/api/invites/${token}`);
    expect(info.body.data).toMatchObject({
      boardId,
      boardName: expect.any(String),
      role: 'editor',
      valid: true,
    });
    const joiner = await signUp(t.url, { name: 'Joiner' });
    expect((await as(joiner).get(`/api/boards/${boardId}`)).status).toBe(404);
    expect((await as(joiner).post(`/api/invites/${token}/accept`)).status).toBe(200);
    expect((await as(joiner).get(`/api/boards/${boardId}`)).status).toBe(200);
    // Expired: moved into the past in the database (no clock games).
    await t.db.pool.query(`UPDATE invites SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      inv.body.data.id,
    ]);
    const late = await signUp(t.url);
    const expired = await as(late).post(`/api/invites/${token}/accept`);
    expect(expired.status).toBe(410);
    expect((await api(t.url, {}).get(`/api/invites/${token}`)).body.data.valid).toBe(false);
    const inv2 = await as(owner).post(`/api/boards/${boardId}/invites`, { role: 'viewer' });
    expect((await as(editor).del(`/api/invites/${inv2.body.data.id}`)).status).toBe(403);
    expect((await as(owner).del(`/api/invites/${inv2.body.data.id}`)).status).toBe(200);
    expect((await as(late).post(`/api/invites/${inv2.body.data.token}/accept`)).status).toBe(410);
    expect((await as(late).post(`/api/invites/inv_nope/accept`)).status).toBe(404);
  });

  it('API keys: create (shown once), use as Bearer, list without the key, revoke → 401', async () => {
    const created = await as(editor).post('/api/api-keys', { name: 'script' });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const bearer = api(t.url, { authorization: `Bearer ${key}` });
    const task = await bearer.post(`/api/boards/${boardId}/tasks`, { columnId, title: 'From a script' });
    expect(task.status).toBe(201);
    expect(task.body.data.created_by).toBe(editor.userId);
    const list = await as(editor).get('/api/api-keys');
    expect(list.body.data).toMatchObject([{ id: created.body.data.id, name: 'script' }]);
    expect(JSON.stringify(list.body)).not.toContain(key);
    // Only that key: a wrong one is no credential while it exists.
    expect((await api(t.url, { authorization: 'Bearer kb_wrong' }).get('/api/boards')).status).toBe(401);
    expect((await as(viewer).del(`/api/api-keys/${created.body.data.id}`)).status).toBe(404);
    expect((await as(editor).del(`/api/api-keys/${created.body.data.id}`)).status).toBe(200);
    expect((await bearer.get('/api/boards')).status).toBe(401);
  });

  it('refuses a cross-origin write that carries the session cookie', async () => {
    const evil = await api(t.url, { cookie: owner.cookie, origin: 'https://evil.example' }).post(
      `/api/boards/${boardId}/columns`,
      { name: 'CSRF' },
    );
    expect(evil.status).toBe(403);
    expect(evil.body.type).toBe('/problems/cross-origin');
    const noOrigin = await api(t.url, { cookie: owner.cookie }).post(`/api/boards/${boardId}/columns`, {
      name: 'CSRF',
    });
    expect(noOrigin.status).toBe(403);
    const { rows } = await t.db.pool.query(`SELECT 1 FROM columns WHERE name = 'CSRF'`);
    expect(rows).toEqual([]);
  });
});
