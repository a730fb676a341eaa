import { z } from 'zod';
import { Id } from './schemas/common';

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

export type Ack = { ok: true } | { ok: false; error: { status: number; title: string; detail: string } };

export interface ServerToClientEvents {
  'message.delta': (delta: MessageDelta) => void;
}

export interface ClientToServerEvents {
  'task.subscribe': (body: TaskSubscribe, ack: (res: Ack) => void) => void;
  'task.unsubscribe': (body: TaskSubscribe, ack?: (res: Ack) => void) => void;
}
