import type { Socket as EngineSocket } from 'engine.io';

// Bytes a socket has queued in this process and not yet handed to the kernel: the packets
// engine.io holds while its transport is busy (counted from its public packetCreate and flush
// events), plus what the websocket transport's `ws` still buffers (`bufferedAmount`). engine.io
// does not expose that ws instance (a private `transport.socket`): this file is the only one that
// reaches for it, and engine-queue.test.ts fails loudly if an upgrade moves it.

interface WsTransport {
  name: string;
  socket?: { bufferedAmount?: unknown; terminate?: unknown };
}

export interface QueueWatch {
  /** Bytes queued for this socket in this process; undefined if the transport cannot be read. */
  bytes(): number | undefined;
  /** Packets engine.io holds for a transport that is not writable. */
  packets(): number;
}

const sizeOf = (data: unknown) =>
  typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 0;

/** Counts what is queued; call before adding listeners that read it on packetCreate. */
export function watchQueue(conn: EngineSocket): QueueWatch {
  let bytes = 0;
  let packets = 0;
  conn.on('packetCreate', (p: { data?: unknown }) => {
    bytes += sizeOf(p.data);
    packets++;
  });
  conn.on('flush', () => {
    bytes = 0;
    packets = 0;
  });
  return {
    bytes() {
      const ws = wsBuffered(conn);
      return ws === undefined ? undefined : bytes + ws;
    },
    packets: () => packets,
  };
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
