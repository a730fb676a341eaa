import { z } from 'zod';
import { Id } from './schemas/common';
import type { ToolCall } from './schemas/tool-call';

// The Socket.IO contract between server and browser. Tokens are a preview: every delta is
// also (eventually) in the message row, so a client can always recover from the rows.

/** The room a task's watchers join. */
export const taskRoom = (taskId: string) => `task:${taskId}`;

/**
 * A piece of an assistant reply: `text` starts at character `offset` of the message content.
 * Deltas may overlap (skip what you have) and, across instances, arrive out of order (hold a
 * delta whose offset is past your end until the gap fills). Right after a `task.subscribe` ack,
 * every reply streaming in that task is sent once to the new subscriber from offset 0, so a
 * late joiner needs no row checkpoint to be exact.
 */
export interface MessageDelta {
  taskId: string;
  messageId: string;
  offset: number;
  text: string;
}

export const TaskSubscribe = z.object({ taskId: Id }).strict();
export type TaskSubscribe = z.infer<typeof TaskSubscribe>;

export type AckError = { ok: false; error: { status: number; title: string; detail: string } };
export type Ack = { ok: true } | AckError;

/** The room of a board's present users (docs/accounts.md, "Presence"). */
export const boardRoom = (boardId: string) => `board:${boardId}`;

export const BoardJoin = z.object({ boardId: Id }).strict();
export type BoardJoin = z.infer<typeof BoardJoin>;
export const TaskOpen = z.object({ boardId: Id, taskId: Id.nullable() }).strict();
export type TaskOpen = z.infer<typeof TaskOpen>;
export const TaskTyping = z.object({ boardId: Id, taskId: Id, typing: z.boolean() }).strict();
export type TaskTyping = z.infer<typeof TaskTyping>;

/** One signed-in user on a board; several tabs of one user merge into one entry. */
export interface PresentUser {
  userId: string;
  name: string;
  color: string | null;
  /** The task this user has open (any of their tabs), or null. */
  taskId: string | null;
  /** Typing in that task's chat (renewed within the last 5 s). */
  typing: boolean;
}

export interface BoardPresence {
  boardId: string;
  users: PresentUser[];
}

export type JoinAck = { ok: true; presence: BoardPresence } | AckError;

/** Sent to a socket that lost access to a board: its rooms of that board are left; drop its state. */
export interface BoardRevoked {
  boardId: string;
}

/**
 * To the board room after any agent of the board was created, changed or deleted, or a column
 * hook changed: refetch `GET /api/boards/:id/agents` (the board UI holds no agents shape).
 */
export interface AgentsChanged {
  boardId: string;
}

export interface ServerToClientEvents {
  'message.delta': (delta: MessageDelta) => void;
  'agents.changed': (body: AgentsChanged) => void;
  'presence.board': (presence: BoardPresence) => void;
  'board.revoked': (body: BoardRevoked) => void;
  /**
   * To the task's room: the whole tool-call row each time it is created or changes status.
   * Upsert by id; re-GET /api/tasks/:id/tool-calls on reconnect (events missed meanwhile are lost).
   */
  'tool.call': (row: ToolCall) => void;
}

export interface ClientToServerEvents {
  'task.subscribe': (body: TaskSubscribe, ack: (res: Ack) => void) => void;
  'task.unsubscribe': (body: TaskSubscribe, ack?: (res: Ack) => void) => void;
  'board.join': (body: BoardJoin, ack: (res: JoinAck) => void) => void;
  'board.leave': (body: BoardJoin, ack?: (res: Ack) => void) => void;
  'task.open': (body: TaskOpen, ack?: (res: Ack) => void) => void;
  'task.typing': (body: TaskTyping, ack?: (res: Ack) => void) => void;
}
