import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import {
  taskRoom,
  type ClientToServerEvents,
  type MessageDelta,
  type ServerToClientEvents,
} from '@kanban/shared';
import type { Publisher } from '../jobs/active-runs';
import { mark } from '../agent/trace';
import type { Db } from '../db/pool';
import { watchPool } from '../db/watch-pool';
import { isConnectionError } from '../db/connection-errors';

// One Socket.IO server per process, always on @socket.io/postgres-adapter: a web instance serves
// sockets on its http server; a worker-only process never listens but emits through the adapter
// (one NOTIFY per packet), so any process can reach any room on any instance.
//
// Deltas go out local-first: the adapter's own room broadcast delivers to this process's sockets
// only after its NOTIFY round trip to Postgres, a few ms (tens under load) on the first-token path.
// So a delta is written to the local sockets of the room at once, and reaches the other instances
// as a server-side event (the same one NOTIFY) that each delivers to its own local sockets.

interface InterServerEvents {
  'agent.delta': (room: string, d: MessageDelta) => void;
}

export type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;

export interface Realtime {
  io: Io;
  publisher: Publisher;
  /** Serves sockets on this http server (web role). */
  attach(server: HttpServer): void;
  close(): Promise<void>;
}

export const ADAPTER_POOL = 'kanban-socket-adapter';

export function createRealtime(db: Pick<Db, 'url' | 'connections' | 'poolDefaults'>, log: Logger): Realtime {
  // Its own small pool: the adapter pins one client for LISTEN and must not starve the app's pool.
  const pool = new pg.Pool({
    connectionString: db.url,
    max: 4,
    application_name: ADAPTER_POOL,
    ...db.poolDefaults,
  });
  // The adapter (0.5) takes its LISTEN client with pool.connect() and never listens for its
  // 'error': a terminated backend killed the process. The listener comes from watchPool; the
  // adapter itself reconnects and re-LISTENs on the client's 'end', but never releases the dead
  // client, so watchPool hands it back to the pool (see realtime-adapter-outage.test.ts).
  watchPool(pool, ADAPTER_POOL, db.connections, log, { releaseOnError: true });
  const io: Io = new Server({
    serveClient: false,
    // Client → server events are tiny; refuse anything big.
    maxHttpBufferSize: 16_384,
    // While Postgres is away every publish fails: that is one state change (watchPool logs it),
    // not a warning per emit.
    adapter: createAdapter(pool, {
      errorHandler: (err) =>
        isConnectionError(err)
          ? log.debug({ err }, 'adapter publish failed')
          : log.warn({ err }, 'postgres adapter error'),
    }),
  });
  io.on('agent.delta', (room, d) => void io.local.to(room).emit('message.delta', d));
  const publisher: Publisher = {
    delta: (d: MessageDelta) => {
      mark(d.taskId, 'delta.emit');
      const room = taskRoom(d.taskId);
      io.local.to(room).emit('message.delta', d);
      io.serverSideEmit('agent.delta', room, d);
    },
    deltaTo: (socketId, d) => {
      const local = io.sockets.sockets.get(socketId);
      if (local) local.emit('message.delta', d);
      else io.to(socketId).emit('message.delta', d);
    },
    // Rare (a few per reply): straight through the adapter to the room on every instance.
    toolCall: (row) => io.to(taskRoom(row.task_id)).emit('tool.call', row),
  };
  let attached = false;
  return {
    io,
    publisher,
    attach: (server) => {
      attached = true;
      io.attach(server);
    },
    async close() {
      // Disconnects every socket and the adapter (and closes an attached http server, which the
      // app also does; a second close is harmless). A worker-only io was never attached and has
      // no engine for io.close() to close: close its adapter (the only namespace is '/').
      if (attached) await io.close();
      else await io.of('/').adapter.close();
      db.connections.forget(ADAPTER_POOL);
      await pool.end().catch(() => undefined);
    },
  };
}
