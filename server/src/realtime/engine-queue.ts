import type { Socket as EngineSocket } from 'engine.io';
import { terminate, wsBuffered } from '../adapters/engine-io';

// Bytes a socket has queued in this process and not yet handed to the kernel: the packets
// engine.io holds while its transport is busy (counted from its public packetCreate and flush
// events), plus what the websocket transport's `ws` still buffers (`bufferedAmount`). engine.io
// does not expose that ws instance (a private `transport.socket`): adapters/engine-io.ts is the
// only file that reaches for it, and adapters.test.ts fails loudly if an upgrade moves it.

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

export { terminate, wsBuffered };
