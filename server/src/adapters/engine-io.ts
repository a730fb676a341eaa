import type { Socket as EngineSocket } from 'engine.io';

// engine.io: the websocket transport's `ws` instance (a private `transport.socket`), for the
// bytes it still buffers (`bufferedAmount`) and to terminate a peer that does not read
// (realtime/engine-queue.ts, docs/limits.md). adapters.test.ts pins the version and checks the
// field on a real websocket connection.

/** The engine.io version this was checked against; adapters.test.ts fails on any other. */
export const ENGINE_IO_VERIFIED = '6.6.11';

interface WsTransport {
  name: string;
  socket?: { bufferedAmount?: unknown; terminate?: unknown };
}

/** What the websocket transport's ws buffers (0 on polling); undefined if engine.io changed. */
export function wsBuffered(conn: EngineSocket): number | undefined {
  const t = conn.transport as unknown as WsTransport;
  if (t.name !== 'websocket') return 0;
  const n = t.socket?.bufferedAmount;
  return typeof n === 'number' ? n : undefined;
}

/** Ends the connection at once: a close handshake would wait for a peer that does not read. */
export function terminate(conn: EngineSocket): void {
  const t = conn.transport as unknown as WsTransport;
  conn.close(true);
  if (t.name === 'websocket' && typeof t.socket?.terminate === 'function')
    (t.socket.terminate as () => void).call(t.socket);
}
