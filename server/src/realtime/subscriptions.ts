import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { boardAccess, can } from '../policy';
import type { SocketData } from './socket-auth';
import { TaskSubscribe, taskRoom, type Ack } from '@kanban/shared';
import type { Database } from '../db/schema';
import type { Io } from './io';

// Room joins with validated payloads and acks, the per-socket send buffer bound, and the
// catch-up request a new watcher triggers so it gets the text a running reply already streamed.

export interface SubscriptionDeps {
  db: Kysely<Database>;
  log: Logger;
  maxBuffered: number;
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

export function registerSubscriptions(io: Io, deps: SubscriptionDeps): void {
  io.on('connection', (socket) => {
    const log = deps.log.child({ socketId: socket.id });
    // A client that cannot keep up would make the server buffer without end: drop it instead.
    // (engine.io keeps unsent packets in its writeBuffer; it is not in the public types.)
    const conn = socket.conn as unknown as {
      writeBuffer: unknown[];
      close(discard?: boolean): void;
      on: typeof socket.conn.on;
    };
    conn.on('packetCreate', () => {
      if (conn.writeBuffer.length > deps.maxBuffered) {
        log.warn({ buffered: conn.writeBuffer.length }, 'socket too slow; disconnecting');
        conn.writeBuffer.length = 0;
        conn.close(true); // discard: do not wait for a drain that will never come
      }
    });

    socket.on('task.subscribe', async (body, ack) => {
      if (typeof ack !== 'function') return; // the contract requires an ack; nothing to answer to
      const bad = invalid(body);
      if (bad) return ack(bad);
      const { taskId } = body;
      try {
        // Non-members get the same 404 as for a task that does not exist.
        const actor = (socket.data as SocketData).actor;
        const task = actor
          ? await boardAccess(deps.db, actor, 'task', taskId).catch(() => undefined)
          : undefined;
        if (!actor || !task || !can(actor, 'read', task))
          return ack(fail(404, 'Not found', `task ${taskId} does not exist`));
        await socket.join(taskRoom(taskId));
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
      if (typeof ack === 'function') ack({ ok: true });
    });

    // Any other event is a client bug: say so when it asked for an answer.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === 'task.subscribe' || event === 'task.unsubscribe') return;
      const ack = args.at(-1);
      if (typeof ack === 'function')
        (ack as (a: Ack) => void)(
          fail(400, 'Unknown event', `"${event}" is not an event this server accepts`),
        );
    });
  });
}
