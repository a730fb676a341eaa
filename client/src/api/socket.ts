import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@kanban/shared';
import { setSocketUp } from '../collections/connection';
import { createBackoff } from './backoff';
import { reportUnauthenticated } from '../auth/unauthenticated';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: AppSocket | undefined;
const rooms = new Set<string>();

function subscribe(s: AppSocket, taskId: string) {
  s.emit('task.subscribe', { taskId }, () => undefined);
}

const RECONNECT = { minMs: 200, maxMs: 5000 };

/** The one socket, same origin. On every (re)connect it rejoins the rooms we want. */
export function appSocket(): AppSocket {
  if (socket) return socket;
  const s: AppSocket = io({
    path: '/socket.io',
    // Same origin: the session cookie goes with the handshake.
    withCredentials: true,
    reconnectionDelay: RECONNECT.minMs,
    reconnectionDelayMax: RECONNECT.maxMs,
  });
  let everConnected = false;
  // socket.io-client retries a lost transport by itself, but not the server's own disconnect
  // ("io server disconnect": what a clean shutdown on SIGTERM sends). We retry that one here; once
  // connect() is called, a server that is still down is the manager's usual reconnect loop.
  const backoff = createBackoff(RECONNECT);
  let retry: ReturnType<typeof setTimeout> | undefined;
  s.on('connect', () => {
    everConnected = true;
    backoff.reset();
    setSocketUp(true);
    for (const taskId of rooms) subscribe(s, taskId);
  });
  // Only a socket that once worked can be "down"; until then the shapes say whether we are online.
  s.on('disconnect', (reason) => {
    setSocketUp(false);
    if (reason === 'io server disconnect') {
      clearTimeout(retry);
      retry = setTimeout(() => s.connect(), backoff.next());
    }
  });
  s.on('connect_error', (err) => {
    // The handshake is refused without a live session: the socket stops, the app shows sign-in.
    if ((err as { data?: { status?: number } }).data?.status === 401) {
      s.disconnect();
      reportUnauthenticated();
      return;
    }
    if (everConnected) setSocketUp(false);
  });
  socket = s;
  return s;
}

/** Joins a task's room (now and after every reconnect) until the returned function is called. */
export function watchTask(taskId: string): () => void {
  const s = appSocket();
  rooms.add(taskId);
  if (s.connected) subscribe(s, taskId);
  return () => {
    rooms.delete(taskId);
    if (s.connected) s.emit('task.unsubscribe', { taskId });
  };
}
