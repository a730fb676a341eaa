import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { boardAccess, can } from '../policy';
import type { SocketData } from './socket-auth';
import { TaskSubscribe, taskRoom, type Ack } from '@kanban/shared';
import type { Config } from '../config';
import type { Database } from '../db/schema';
import { terminate, watchQueue } from './engine-queue';
import type { Io } from './io';
import { TokenBucket } from './token-bucket';

// Room joins with validated payloads and acks, the per-socket bounds (rooms, subscribe rate,
// bytes and packets queued for a client that does not read), and the catch-up request a new
// watcher triggers so it gets the text a running reply already streamed.

export type SubscriptionLimits = Pick<
  Config,
  | 'REALTIME_MAX_BUFFERED'
  | 'REALTIME_MAX_BUFFERED_BYTES'
  | 'REALTIME_MAX_SUBSCRIPTIONS'
  | 'REALTIME_SUBSCRIBE_RATE'
  | 'REALTIME_SUBSCRIBE_BURST'
>;

export interface SubscriptionDeps {
  db: Kysely<Database>;
  log: Logger;
  limits: SubscriptionLimits;
  /** Asks whichever process streams replies of this task to send them to this socket. */
  requestCatchUp(taskId: string, socketId: string): Promise<void>;
}

const fail = (status: number, title: string, detail: string): Ack => ({
  ok: false,
  error: { status, title, detail },
});

function invalid(body: unknown): Ack | undefined {
  const parsed = TaskSubscribe.safeParse(body);
  if (parsed.success) return undefined;
  const i = parsed.error.issues[0]!;
  return fail(400, 'Invalid request', `${['body', ...i.path.map(String)].join('.')}: ${i.message}`);
}

const TASK_ROOM = taskRoom('');
// Events some handler answers (this file's and realtime/presence.ts's).
const HANDLED = new Set([
  'task.subscribe',
  'task.unsubscribe',
  'board.join',
  'board.leave',
  'task.open',
  'task.typing',
]);

export function registerSubscriptions(io: Io, deps: SubscriptionDeps): void {
  const l = deps.limits;
  io.on('connection', (socket) => {
    const log = deps.log.child({ socketId: socket.id });
    // A client that cannot keep up would make the server buffer without end: drop it instead.
    // Bytes count what this process holds; the kernel's socket buffers (MBs on loopback) fill first.
    const queue = watchQueue(socket.conn);
    let unmeasured = false;
    socket.conn.on('packetCreate', () => {
      const bytes = queue.bytes();
      if (bytes === undefined && !unmeasured) {
        unmeasured = true;
        log.error('cannot read the websocket buffer (engine.io changed?); only packets are bounded');
      }
      if ((bytes ?? 0) > l.REALTIME_MAX_BUFFERED_BYTES || queue.packets() > l.REALTIME_MAX_BUFFERED) {
        log.warn({ bytes, packets: queue.packets() }, 'socket too slow; disconnecting');
        terminate(socket.conn);
      }
    });

    const bucket = new TokenBucket(l.REALTIME_SUBSCRIBE_RATE, l.REALTIME_SUBSCRIBE_BURST);
    let refusedInARow = 0;
    socket.on('task.subscribe', async (body, ack) => {
      if (typeof ack !== 'function') return; // the contract requires an ack; nothing to answer to
      // Rate first: a flood of anything (valid or not) must not cost a lookup each.
      if (!bucket.take()) {
        if (++refusedInARow >= l.REALTIME_SUBSCRIBE_BURST) {
          log.warn('task.subscribe flood; disconnecting');
          return void socket.disconnect(true);
        }
        return ack(
          fail(429, 'Too many requests', `subscribe at most ${l.REALTIME_SUBSCRIBE_RATE} times a second`),
        );
      }
      refusedInARow = 0;
      const bad = invalid(body);
      if (bad) return ack(bad);
      const { taskId } = body;
      const room = taskRoom(taskId);
      const rooms = [...socket.rooms].filter((r) => r.startsWith(TASK_ROOM)).length;
      if (!socket.rooms.has(room) && rooms >= l.REALTIME_MAX_SUBSCRIPTIONS) {
        return ack(
          fail(
            429,
            'Too many subscriptions',
            `a connection may follow at most ${l.REALTIME_MAX_SUBSCRIPTIONS} tasks; unsubscribe from one first`,
          ),
        );
      }
      try {
        // Non-members get the same 404 as for a task that does not exist.
        const actor = (socket.data as SocketData).actor;
        const task = actor
          ? await boardAccess(deps.db, actor, 'task', taskId).catch(() => undefined)
          : undefined;
        if (!actor || !task || !can(actor, 'read', task))
          return ack(fail(404, 'Not found', `task ${taskId} does not exist`));
        await socket.join(room);
        const data = socket.data as SocketData;
        (data.taskBoards ??= {})[taskId] = task.boardId;
        ack({ ok: true });
        await deps.requestCatchUp(taskId, socket.id);
      } catch (err) {
        log.error({ err }, 'task.subscribe failed');
        ack(fail(500, 'Internal error', 'could not subscribe; try again'));
      }
    });

    socket.on('task.unsubscribe', async (body, ack) => {
      const bad = invalid(body);
      if (bad) return typeof ack === 'function' ? ack(bad) : undefined;
      await socket.leave(taskRoom(body.taskId));
      delete (socket.data as SocketData).taskBoards?.[body.taskId];
      if (typeof ack === 'function') ack({ ok: true });
    });

    // Any other event is a client bug: say so when it asked for an answer.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (HANDLED.has(event)) return;
      const ack = args.at(-1);
      if (typeof ack === 'function')
        (ack as (a: Ack) => void)(
          fail(400, 'Unknown event', `"${event}" is not an event this server accepts`),
        );
    });
  });
}
