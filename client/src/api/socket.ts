import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@kanban/shared';
import { setSocketUp } from '../collections/connection';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: AppSocket | undefined;
const rooms = new Set<string>();

function subscribe(s: AppSocket, taskId: string) {
  s.emit('task.subscribe', { taskId }, () => undefined);
}

/** The one socket, same origin. On every (re)connect it rejoins the rooms we want. */
export function appSocket(): AppSocket {
  if (socket) return socket;
  const s: AppSocket = io({ path: '/socket.io', reconnectionDelay: 200, reconnectionDelayMax: 2000 });
  let everConnected = false;
  s.on('connect', () => {
    everConnected = true;
    setSocketUp(true);
    for (const taskId of rooms) subscribe(s, taskId);
  });
  // Only a socket that once worked can be "down"; until then the shapes say whether we are online.
  s.on('disconnect', () => setSocketUp(false));
  s.on('connect_error', () => {
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
