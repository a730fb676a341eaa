import { createRoot, createSignal } from 'solid-js';
import type { Socket } from 'socket.io-client';
import { appSocket } from './socket';

// Who else is on the open board (docs/accounts.md, "Presence"): board.join → presence.board,
// task.open, task.typing. Ephemeral: nothing is stored; after a reconnect we join again and the
// server sends the board's presence in the join's ack. The event types mirror the server's
// (shared/src/events.ts on the server branch); the socket is used untyped here until both meet.

export interface PresentUser {
  userId: string;
  name: string;
  color: string | null;
  taskId: string | null;
  typing: boolean;
}
interface BoardPresence {
  boardId: string;
  users: PresentUser[];
}
type JoinAck = { ok: true; presence: BoardPresence } | { ok: false };

/** The server renews nothing: a typing flag lapses 5 s after its last renewal. */
const TYPING_RENEW_MS = 2000;
/** No keystroke for this long: the person stopped typing. */
const TYPING_IDLE_MS = 3000;

const store = createRoot(() => {
  const [users, setUsers] = createSignal<PresentUser[]>([]);
  const [me, setMe] = createSignal<string>();
  return { users, setUsers, me, setMe };
});

let board: string | undefined;
/** The join of `board` was acknowledged on the current connection (task.open may follow). */
let joined = false;
let openTask: string | null = null;
let typingTask: string | undefined;
let lastTypingSent = 0;
let idle: ReturnType<typeof setTimeout> | undefined;
let wired = false;

const sock = () => appSocket() as unknown as Socket;

function join(s: Socket, boardId: string) {
  s.emit('board.join', { boardId }, (ack: JoinAck) => {
    if (board !== boardId || !ack?.ok) return;
    joined = true;
    store.setUsers(ack.presence.users);
    if (openTask) s.emit('task.open', { boardId, taskId: openTask });
  });
}

function wire(s: Socket) {
  if (wired) return;
  wired = true;
  s.on('connect', () => {
    joined = false;
    if (board) join(s, board);
  });
  s.on('disconnect', () => {
    joined = false;
    store.setUsers([]);
  });
  s.on('presence.board', (p: BoardPresence) => {
    if (p.boardId === board) store.setUsers(p.users);
  });
  s.on('board.revoked', (p: { boardId: string }) => {
    if (p.boardId !== board) return;
    joined = false;
    store.setUsers([]);
  });
}

/** The signed-in user, left out of what the board shows (you know you are here). */
export const setPresenceUser = (userId: string) => store.setMe(userId);

/** Everyone else on the open board. */
export const othersHere = () => store.users().filter((u) => u.userId !== store.me());

/** Others with this task open. */
export const othersOnTask = (taskId: string) => othersHere().filter((u) => u.taskId === taskId);

/** Shows this user on `boardId` until the returned function is called. */
export function joinBoard(boardId: string): () => void {
  const s = sock();
  wire(s);
  board = boardId;
  joined = false;
  store.setUsers([]);
  if (s.connected) join(s, boardId);
  return () => {
    if (board !== boardId) return;
    board = undefined;
    joined = false;
    openTask = null;
    store.setUsers([]);
    if (s.connected) s.emit('board.leave', { boardId });
  };
}

/** The task this user has open on the board (null: none). */
export function announceOpenTask(taskId: string | null) {
  if (openTask === taskId) return;
  openTask = taskId;
  typingTask = undefined;
  const s = sock();
  if (board && joined && s.connected) s.emit('task.open', { boardId: board, taskId });
}

function sendTyping(taskId: string, typing: boolean) {
  const s = sock();
  if (board && joined && s.connected && openTask === taskId)
    s.emit('task.typing', { boardId: board, taskId, typing });
}

/** A keystroke in the task's chat box: typing starts (or is renewed) and ends when idle. */
export function noteTyping(taskId: string) {
  const now = Date.now();
  if (typingTask !== taskId || now - lastTypingSent > TYPING_RENEW_MS) {
    typingTask = taskId;
    lastTypingSent = now;
    sendTyping(taskId, true);
  }
  clearTimeout(idle);
  idle = setTimeout(() => stopTyping(taskId), TYPING_IDLE_MS);
}

/** Sent, cleared or left: no longer typing. */
export function stopTyping(taskId: string) {
  clearTimeout(idle);
  if (typingTask !== taskId) return;
  typingTask = undefined;
  sendTyping(taskId, false);
}
