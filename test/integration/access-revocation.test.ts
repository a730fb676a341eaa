import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskRoom, type BoardPresence } from '@kanban/shared';
import { addMember, startFullApp, type FullApp } from '../support/full-app';
import { api } from '../support/http';
import { cookiesOf, signIn, signUp, type Session } from '../support/auth';
import { connectSocket, startAgentApp, subscribe, waitFor, type ClientSocket } from '../support/agent-app';
import { makeBoard, makeTask } from '../support/rest';

// Access that ends while the user is connected ends their live requests at once: a removed
// member's held long-poll / SSE stream is closed (not answered with one more batch of rows) and
// the retry is 403; their sockets leave the board's task and presence rooms and hear
// `board.revoked`. A socket (and shape request) of a session that ends — sign-out, expiry — or of
// a revoked API key is closed. The long-poll is far longer than any wait here, so only the
// revocation can end a held request in time.

let t: FullApp;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  // The periodic session check is far off here: only the NOTIFYs can end things in time.
  t = await startFullApp({ SHAPE_LONG_POLL_MS: '30000', SHAPE_SSE_TIMEOUT_MS: '60000' });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.close();
});

const socketAs = async (headers: Record<string, string>) => {
  const s = await connectSocket(t.url, headers);
  sockets.push(s);
  return s;
};

/** The shape's first page, then a held live request: its promise (settles when it ends). */
async function holdLive(headers: Record<string, string>, shape: string, sse = false) {
  const first = await fetch(`${t.url}/api/shapes/${shape}&offset=-1`, { headers });
  expect(first.status).toBe(200);
  await first.arrayBuffer();
  const handle = first.headers.get('electric-handle')!;
  const offset = first.headers.get('electric-offset')!;
  const liveUrl = `${t.url}/api/shapes/${shape}&handle=${handle}&offset=${offset}&live=true${sse ? '&live_sse=true' : ''}`;
  const held = t.sync.live.size;
  const pending = fetch(liveUrl, { headers })
    .then(async (res) => ({ status: res.status, body: await res.text() }))
    .catch((err: unknown) => ({ error: err }));
  await waitFor(() => t.sync.live.size > held, 10_000, 'the live request to be held');
  return { pending, liveUrl };
}

const presenceOf = (s: ClientSocket, boardId: string, pred: (p: BoardPresence) => boolean) =>
  new Promise<BoardPresence>((resolve) => {
    const on = (p: BoardPresence) => {
      if (p.boardId !== boardId || !pred(p)) return;
      s.off('presence.board', on);
      resolve(p);
    };
    s.on('presence.board', on);
  });

describe('ended access', () => {
  it('a removed member loses the held long-poll, the task room and presence; the retry is 403', async () => {
    const owner = api(t.url);
    const board = await makeBoard(owner, 'Shared');
    const task = await makeTask(owner, board.id, board.columns[0]!.id, 'Plan');
    const member = await signUp(t.url, { name: 'Mo' });
    await addMember(t.url, t.owner, member, board.id);

    const ownerSocket = await socketAs(t.owner.headers);
    expect(await ownerSocket.emitWithAck('board.join', { boardId: board.id })).toMatchObject({ ok: true });
    const memberSocket = await socketAs(member.headers);
    const bothThere = presenceOf(ownerSocket, board.id, (p) => p.users.length === 2);
    expect(await subscribe(memberSocket, task.id)).toEqual({ ok: true });
    expect(await memberSocket.emitWithAck('board.join', { boardId: board.id })).toMatchObject({ ok: true });
    await bothThere;

    const { pending, liveUrl } = await holdLive(member.headers, `tasks?board=${board.id}`);
    const revoked = new Promise((resolve) => memberSocket.once('board.revoked', resolve));
    const ownerAlone = presenceOf(ownerSocket, board.id, (p) => p.users.length === 1);
    expect((await owner.del(`/api/boards/${board.id}/members/${member.userId}`)).status).toBe(200);

    // The held request ends without an answer: no row reaches a removed member.
    expect(await pending).toHaveProperty('error');
    const retry = await fetch(liveUrl, { headers: member.headers });
    expect(retry.status).toBe(403);
    expect(((await retry.json()) as { type: string }).type).toBe('/problems/forbidden');

    expect(await revoked).toEqual({ boardId: board.id });
    const inRoom = await t.agent.realtime.io.in(taskRoom(task.id)).fetchSockets();
    expect(inRoom.map((s) => s.id)).not.toContain(memberSocket.id);
    expect((await ownerAlone).users.map((u) => u.userId)).toEqual([t.owner.userId]);
    expect(memberSocket.connected).toBe(true); // still signed in: other boards go on
  });

  it("deleting the board ends a member's SSE stream; the retry gets the deletion", async () => {
    const owner = api(t.url);
    const board = await makeBoard(owner, 'Doomed');
    const member = await signUp(t.url, { name: 'Sam' });
    await addMember(t.url, t.owner, member, board.id, 'viewer');
    const memberSocket = await socketAs(member.headers);
    expect(await memberSocket.emitWithAck('board.join', { boardId: board.id })).toMatchObject({ ok: true });
    const revoked = new Promise((resolve) => memberSocket.once('board.revoked', resolve));
    const { pending, liveUrl } = await holdLive(member.headers, `columns?board=${board.id}`, true);
    expect((await owner.del(`/api/boards/${board.id}`)).status).toBe(200);
    // Its headers were out already: the stream is cut, with no row of the deletion.
    expect(await pending).toHaveProperty('error');
    // A deleted board's followers still learn of the deletion (its rows' deletes), nothing else.
    const retry = await fetch(liveUrl.replace('&live_sse=true', ''), { headers: member.headers });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toMatch(/"operation":"delete"/);
    expect(await revoked).toEqual({ boardId: board.id });
  });

  it('signing out disconnects that session’s sockets and ends its held shape requests', async () => {
    const user = await signUp(t.url, { name: 'Otto' });
    const other = await signIn(t.url, user.email);
    const otherCookie = cookiesOf(other);
    const board = await makeBoard(api(t.url, user.headers), 'Own');
    const mine = await socketAs(user.headers);
    const otherSocket = await socketAs({ cookie: otherCookie });
    const gone = new Promise((resolve) => mine.once('disconnect', resolve));
    const { pending } = await holdLive(user.headers, `tasks?board=${board.id}`);
    const out = await fetch(`${t.url}/api/auth/sign-out`, { method: 'POST', headers: user.headers });
    expect(out.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect(await pending).toHaveProperty('error');
    // The user's other session is not signed out.
    expect(otherSocket.connected).toBe(true);
  });

  it('a revoked API key disconnects the sockets that came with it', async () => {
    const user = await signUp(t.url, { name: 'Kay' });
    const key = await api(t.url, user.headers).post('/api/api-keys', { name: 'script' });
    expect(key.status).toBe(201);
    const s = await socketAs({ authorization: `Bearer ${key.body.key}` });
    const gone = new Promise((resolve) => s.once('disconnect', resolve));
    expect((await api(t.url, user.headers).del(`/api/api-keys/${key.body.data.id}`)).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
  });

  it('a socket is disconnected when its session expires (looked up every SOCKET_SESSION_CHECK_MS)', async () => {
    // A second instance on the same database that looks sessions up often.
    const checking = await startAgentApp({ SOCKET_SESSION_CHECK_MS: '200' }, { database: t.database });
    try {
      const user: Session = await signUp(t.url, { name: 'Eve' });
      const s = await connectSocket(checking.url, user.headers);
      sockets.push(s);
      const reason = new Promise((resolve) => s.once('disconnect', resolve));
      // As if it had lapsed (better-auth extends a session in use, so none expires during a test);
      // an UPDATE sends no NOTIFY: only the look-up can see it.
      await t.db.pool.query(
        `UPDATE "session" SET "expiresAt" = now() - interval '1 second' WHERE "userId" = $1`,
        [user.userId],
      );
      expect(await reason).toBe('io server disconnect');
    } finally {
      await checking.close();
    }
  });
});
