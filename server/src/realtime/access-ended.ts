import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { taskRoom } from '@kanban/shared';
import type { Database } from '../db/schema';
import type { AccessEnded } from '../jobs/control';
import type { Io } from './io';
import type { Presence } from './presence';
import type { SocketData } from './socket-auth';

// Sockets of access that ended (jobs/control.ts delivers the triggers' NOTIFYs to every
// instance; each acts on its own sockets): a removed member's sockets leave that board's task
// rooms and presence room and hear `board.revoked`; a socket of an ended session or a revoked
// API key is disconnected. A session's expiry needs no event: a timer looks at the session row
// then, and at least every `checkMs` (a NOTIFY sent while this instance's control connection was
// down is lost; this bounds how long a socket can outlive its session).

export interface AccessEnforcer {
  ended(m: AccessEnded): Promise<void>;
}

export function enforceAccess(
  io: Io,
  deps: { db: Kysely<Database>; log: Logger; presence: Presence; checkMs: number },
): AccessEnforcer {
  const { db, log } = deps;

  io.on('connection', (socket) => {
    const actor = (socket.data as SocketData).actor;
    if (actor?.sessionId === undefined || actor.expiresAt === undefined) return;
    const sessionId = actor.sessionId;
    let timer: NodeJS.Timeout | undefined;
    const at = (expiresAt: number) => {
      timer = setTimeout(check, Math.min(deps.checkMs, Math.max(0, expiresAt - Date.now()))).unref();
    };
    // better-auth extends a session that is in use: look again before ending the socket.
    const check = () => {
      db.selectFrom('session')
        .select('expiresAt')
        .where('id', '=', sessionId)
        .executeTakeFirst()
        .then(
          (row) => {
            if (!socket.connected) return;
            const expiresAt = row ? new Date(row.expiresAt).getTime() : 0;
            if (expiresAt > Date.now()) return at(expiresAt);
            log.info({ socketId: socket.id }, 'session expired; disconnecting');
            socket.disconnect(true);
          },
          // The database is away: try again in a while rather than end a good session.
          (err: unknown) => {
            log.debug({ err }, 'session expiry check failed');
            if (socket.connected) at(Date.now() + 5000);
          },
        );
    };
    at(actor.expiresAt);
    socket.on('disconnect', () => clearTimeout(timer));
  });

  return {
    async ended(m) {
      for (const socket of io.sockets.sockets.values()) {
        const data = socket.data as SocketData;
        const actor = data.actor;
        if (!actor) continue;
        if (m.t === 'session-end' || m.t === 'key-revoked') {
          if (m.t === 'session-end' ? actor.sessionId === m.sessionId : actor.keyId === m.keyId) {
            log.info({ socketId: socket.id, access: m.t }, 'credentials ended; disconnecting');
            socket.disconnect(true);
          }
          continue;
        }
        if (actor.userId !== m.userId) continue;
        const boards = data.taskBoards ?? {};
        for (const [taskId, boardId] of Object.entries(boards)) {
          if (boardId !== m.boardId) continue;
          delete boards[taskId];
          await socket.leave(taskRoom(taskId));
        }
        await deps.presence.revoke(socket.id, m.boardId);
        socket.emit('board.revoked', { boardId: m.boardId });
        log.info({ socketId: socket.id, boardId: m.boardId }, 'membership removed; left its rooms');
      }
    },
  };
}
