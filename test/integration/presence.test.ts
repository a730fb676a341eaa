import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardPresence, JoinAck } from '@kanban/shared';
import { connectSocket, startAgentApp, type AgentApp, type ClientSocket } from '../support/agent-app';
import { signUp, type Session } from '../support/auth';
import { addMember } from '../support/full-app';
import { makeBoard, makeTask } from '../support/rest';

// Presence (docs/accounts.md): who is on a board, which task each has open, who is typing —
// across two web instances on one database (sockets on the postgres adapter): a user on one
// instance sees a user on the other. Tabs of one user merge; typing expires without renewal;
// a disconnect is gone from the others' view.

const TYPING_MS = 300;
let one: AgentApp;
let two: AgentApp;
let owner: Session;
let member: Session;
let boardId: string;
let taskId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  const env = { PRESENCE_TYPING_MS: String(TYPING_MS) };
  one = await startAgentApp(env);
  two = await startAgentApp(env, { database: one.database });
  owner = one.owner!;
  const board = await makeBoard(one.http, 'Present');
  boardId = board.id;
  taskId = (await makeTask(one.http, board.id, board.columns[0]!.id, 'Open me')).id;
  member = await signUp(one.url, { name: 'Bea' });
  await addMember(one.url, owner, member, boardId);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await two?.close();
  await one?.close();
});

const socketOn = async (app: AgentApp, s: Session) => {
  const socket = await connectSocket(app.url, s.headers);
  sockets.push(socket);
  return socket;
};
const join = (s: ClientSocket, id = boardId) =>
  s.timeout(5000).emitWithAck('board.join', { boardId: id }) as Promise<JoinAck>;

/** The next presence.board for the board that satisfies `pred` (an event, never a sleep). */
const next = (s: ClientSocket, pred: (p: BoardPresence) => boolean) =>
  new Promise<BoardPresence>((resolve) => {
    const on = (p: BoardPresence) => {
      if (p.boardId !== boardId || !pred(p)) return;
      s.off('presence.board', on);
      resolve(p);
    };
    s.on('presence.board', on);
  });
const user = (p: BoardPresence, id: string) => p.users.find((u) => u.userId === id);

describe('presence across two instances', () => {
  it('join, open, typing (expiring), a second tab, and disconnects', async () => {
    const a = await socketOn(one, owner);
    const first = await join(a);
    expect(first).toEqual({
      ok: true,
      presence: {
        boardId,
        users: [
          {
            userId: owner.userId,
            name: 'Test Owner',
            color: expect.any(String),
            taskId: null,
            typing: false,
          },
        ],
      },
    });

    // The member is on the other instance; each sees the other.
    const b = await socketOn(two, member);
    const seesB = next(a, (p) => p.users.length === 2);
    const joined = await join(b);
    expect(joined.ok && joined.presence.users.map((u) => u.userId).sort()).toEqual(
      [owner.userId, member.userId].sort(),
    );
    expect(user(await seesB, member.userId)).toMatchObject({ name: 'Bea', taskId: null, typing: false });

    const opened = next(a, (p) => user(p, member.userId)?.taskId === taskId);
    expect(await b.emitWithAck('task.open', { boardId, taskId })).toEqual({ ok: true });
    await opened;

    const typing = next(a, (p) => user(p, member.userId)?.typing === true);
    expect(await b.emitWithAck('task.typing', { boardId, taskId, typing: true })).toEqual({ ok: true });
    await typing;
    // No renewal: it clears by itself.
    expect(user(await next(a, (p) => user(p, member.userId)?.typing === false), member.userId)).toMatchObject(
      {
        taskId,
      },
    );

    // A second tab of the member merges into one entry, which keeps the open task of the first.
    const b2 = await socketOn(two, member);
    const tabs = await join(b2);
    expect(tabs.ok && tabs.presence.users.filter((u) => u.userId === member.userId)).toHaveLength(1);
    expect(tabs.ok && user(tabs.presence, member.userId)?.taskId).toBe(taskId);

    // One tab closes: still there. The last one closes: gone.
    const stillThere = next(a, (p) => p.users.length === 2 && user(p, member.userId)?.taskId === null);
    b.disconnect();
    await stillThere;
    const gone = next(a, (p) => p.users.length === 1);
    b2.disconnect();
    expect((await gone).users.map((u) => u.userId)).toEqual([owner.userId]);
  });

  it('refuses non-members, bad bodies, and presence on a board not joined', async () => {
    const outsider = await signUp(one.url, { name: 'Out' });
    const o = await socketOn(two, outsider);
    expect(await join(o)).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await o.emitWithAck('board.join', { boardId: 'nope' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await o.emitWithAck('task.typing', { boardId, taskId, typing: true })).toMatchObject({
      ok: false,
      error: { status: 409 },
    });
    const m = await socketOn(two, member);
    expect((await join(m)).ok).toBe(true);
    // A task of another board is not a task of this one.
    const other = await makeBoard(one.http, 'Other');
    const foreign = (await makeTask(one.http, other.id, other.columns[0]!.id, 'Elsewhere')).id;
    expect(await m.emitWithAck('task.open', { boardId, taskId: foreign })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await m.emitWithAck('task.typing', { boardId, taskId, typing: true })).toMatchObject({
      ok: false,
      error: { status: 409 },
    });
    m.disconnect();
  });
});
