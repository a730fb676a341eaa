import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  BoardJoin,
  TaskOpen,
  TaskTyping,
  boardRoom,
  type Ack,
  type AckError,
  type BoardPresence,
  type PresentUser,
} from '@kanban/shared';
import type { z } from 'zod';
import type { Database } from '../db/schema';
import { boardAccess, can } from '../policy';
import type { Io } from './io';
import type { SocketData } from './socket-auth';

// Who is on a board, which task each has open, who is typing (docs/accounts.md, "Presence").
// Ephemeral: each socket's part lives in its socket.data, and a board's presence is computed from
// io.in(room).fetchSockets(), which asks every instance through the postgres adapter, so it is
// right across instances and needs no table. It is recomputed and sent to the board's room on
// every change (join, leave, open, typing started or expired, disconnect, revocation).

export interface PresenceDeps {
  db: Kysely<Database>;
  log: Logger;
  /** Typing shows for this long after the last `task.typing {typing: true}`. */
  typingMs: number;
}

export interface Presence {
  /** Sends the board's current presence to its room. */
  broadcast(boardId: string): Promise<void>;
  /** This instance's socket lost access to the board: it leaves the board's rooms. */
  revoke(socketId: string, boardId: string): Promise<void>;
}

const fail = (status: number, title: string, detail: string): AckError => ({
  ok: false,
  error: { status, title, detail },
});

function parse<T>(schema: z.ZodType<T>, body: unknown): { data: T } | { error: AckError } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { data: parsed.data };
  const i = parsed.error.issues[0]!;
  return {
    error: fail(400, 'Invalid request', `${['body', ...i.path.map(String)].join('.')}: ${i.message}`),
  };
}

const notJoined = (boardId: string) =>
  fail(409, 'Not joined', `send board.join {boardId: "${boardId}"} first`);

export function registerPresence(io: Io, deps: PresenceDeps): Presence {
  const { db, log } = deps;
  // One computation per board at a time on this instance, so its answers leave in order.
  const chains = new Map<string, Promise<void>>();
  // socket id → board id → the timer that ends "typing".
  const typingTimers = new Map<string, Map<string, NodeJS.Timeout>>();

  async function snapshot(boardId: string): Promise<BoardPresence> {
    const sockets = await io.in(boardRoom(boardId)).fetchSockets();
    const users = new Map<string, PresentUser>();
    for (const s of sockets) {
      const d = s.data as SocketData;
      const p = d.presence?.[boardId];
      if (!p || !d.actor) continue;
      const u = users.get(d.actor.userId);
      if (!u) {
        users.set(d.actor.userId, { userId: d.actor.userId, ...p });
        continue;
      }
      // Tabs of one user merge: the typing one wins, else any open task.
      if (p.typing && !u.typing) Object.assign(u, { taskId: p.taskId, typing: true });
      else if (!u.taskId) u.taskId = p.taskId;
    }
    return { boardId, users: [...users.values()].sort((a, b) => a.userId.localeCompare(b.userId)) };
  }

  const broadcast = (boardId: string): Promise<void> => {
    const next = (chains.get(boardId) ?? Promise.resolve())
      .then(async () => {
        io.to(boardRoom(boardId)).emit('presence.board', await snapshot(boardId));
      })
      .catch((err: unknown) => log.warn({ err, boardId }, 'presence not sent'))
      .finally(() => {
        if (chains.get(boardId) === next) chains.delete(boardId);
      });
    chains.set(boardId, next);
    return next;
  };

  const stopTyping = (socketId: string, boardId: string) => {
    const timers = typingTimers.get(socketId);
    clearTimeout(timers?.get(boardId));
    timers?.delete(boardId);
  };

  io.on('connection', (socket) => {
    const data = socket.data as SocketData;
    const entry = (boardId: string) => data.presence?.[boardId];

    socket.on('board.join', async (body, ack) => {
      if (typeof ack !== 'function') return;
      const p = parse(BoardJoin, body);
      if ('error' in p) return ack(p.error);
      const { boardId } = p.data;
      try {
        const actor = data.actor;
        const board = actor
          ? await boardAccess(db, actor, 'board', boardId).catch(() => undefined)
          : undefined;
        if (!actor || !board || !can(actor, 'read', board))
          return ack(fail(404, 'Not found', `board ${boardId} does not exist`));
        const me = await db
          .selectFrom('board_members')
          .select(['user_name', 'user_color'])
          .where('board_id', '=', boardId)
          .where('user_id', '=', actor.userId)
          .executeTakeFirst();
        (data.presence ??= {})[boardId] ??= {
          name: me?.user_name || actor.name,
          color: me?.user_color ?? null,
          taskId: null,
          typing: false,
        };
        await socket.join(boardRoom(boardId));
        await broadcast(boardId);
        ack({ ok: true, presence: await snapshot(boardId) });
      } catch (err) {
        log.error({ err }, 'board.join failed');
        ack(fail(500, 'Internal error', 'could not join; try again'));
      }
    });

    socket.on('board.leave', async (body, ack) => {
      const p = parse(BoardJoin, body);
      if ('error' in p) return typeof ack === 'function' ? ack(p.error) : undefined;
      const { boardId } = p.data;
      const was = entry(boardId) !== undefined;
      stopTyping(socket.id, boardId);
      delete data.presence?.[boardId];
      await socket.leave(boardRoom(boardId));
      if (typeof ack === 'function') ack({ ok: true });
      if (was) await broadcast(boardId);
    });

    socket.on('task.open', async (body, ack) => {
      const answer = (a: Ack) => (typeof ack === 'function' ? ack(a) : undefined);
      const p = parse(TaskOpen, body);
      if ('error' in p) return answer(p.error);
      const { boardId, taskId } = p.data;
      const e = entry(boardId);
      if (!e) return answer(notJoined(boardId));
      if (taskId !== null) {
        // Only a task of that board: presence shows its id to every member.
        const task = await boardAccess(db, data.actor!, 'task', taskId).catch(() => undefined);
        if (!task || task.boardId !== boardId)
          return answer(fail(404, 'Not found', `task ${taskId} is not on board ${boardId}`));
      }
      answer({ ok: true });
      if (e.taskId === taskId) return;
      stopTyping(socket.id, boardId);
      Object.assign(e, { taskId, typing: false });
      await broadcast(boardId);
    });

    socket.on('task.typing', async (body, ack) => {
      const answer = (a: Ack) => (typeof ack === 'function' ? ack(a) : undefined);
      const p = parse(TaskTyping, body);
      if ('error' in p) return answer(p.error);
      const { boardId, taskId, typing } = p.data;
      const e = entry(boardId);
      if (!e) return answer(notJoined(boardId));
      if (e.taskId !== taskId)
        return answer(fail(409, 'Task not open', `send task.open for task ${taskId} first`));
      answer({ ok: true });
      stopTyping(socket.id, boardId);
      if (typing) {
        // Renewals only move the expiry; the room hears of starts and stops.
        let timers = typingTimers.get(socket.id);
        if (!timers) typingTimers.set(socket.id, (timers = new Map<string, NodeJS.Timeout>()));
        timers.set(
          boardId,
          setTimeout(() => {
            timers.delete(boardId);
            const still = entry(boardId);
            if (!still?.typing) return;
            still.typing = false;
            void broadcast(boardId);
          }, deps.typingMs).unref(),
        );
      }
      if (e.typing === typing) return;
      e.typing = typing;
      await broadcast(boardId);
    });

    socket.on('disconnect', () => {
      for (const t of typingTimers.get(socket.id)?.values() ?? []) clearTimeout(t);
      typingTimers.delete(socket.id);
      // The socket has left its rooms: what the others see now is without it.
      for (const boardId of Object.keys(data.presence ?? {})) void broadcast(boardId);
    });
  });

  return {
    broadcast,
    async revoke(socketId, boardId) {
      const socket = io.sockets.sockets.get(socketId);
      if (!socket) return;
      const data = socket.data as SocketData;
      stopTyping(socketId, boardId);
      const was = data.presence?.[boardId] !== undefined;
      delete data.presence?.[boardId];
      await socket.leave(boardRoom(boardId));
      if (was) await broadcast(boardId);
    },
  };
}
