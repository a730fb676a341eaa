import type { Socket } from 'socket.io';
import type { ResolveActor, UserActor } from '../auth/actor';
import { originAllowed } from '../auth/origins';
import type { Config } from '../config';

// Sockets are authenticated once, at the handshake, from the same session cookie (or API key) as
// REST; a browser's Origin must be the app's own or allowed (a socket is not covered by CORS).
// The actor stays in socket.data, where every event handler and fetchSockets() across instances
// read it.

export interface SocketData {
  actor?: UserActor;
  /** The board of each task room joined (task.subscribe), so a revoked board's rooms are left. */
  taskBoards?: Record<string, string>;
  /** Per joined board (board.join): what presence shows of this socket. */
  presence?: Record<string, SocketPresence>;
}

export interface SocketPresence {
  name: string;
  color: string | null;
  taskId: string | null;
  typing: boolean;
}

export function socketAuth(resolve: ResolveActor, config: Config) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const headers = socket.handshake.headers;
    // Browsers always send Origin on a websocket/polling handshake; non-browser clients with an
    // API key need not.
    if (headers.origin !== undefined && !originAllowed(headers, config)) {
      return next(Object.assign(new Error('origin not allowed'), { data: { status: 403 } }));
    }
    resolve(headers).then(
      (actor) => {
        if (!actor) return next(Object.assign(new Error('sign in first'), { data: { status: 401 } }));
        (socket.data as SocketData).actor = actor;
        next();
      },
      () => next(Object.assign(new Error('could not check the session'), { data: { status: 503 } })),
    );
  };
}
