import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { defaultHeaders } from './auth';

// A websocket client on a bare TCP socket, for a client that stops reading: sends masked text
// frames, keeps what arrives as text (server frames are unmasked, so payloads read verbatim),
// and can pause its socket so the server's buffers fill as with a stalled browser.

export interface RawWebSocket {
  socket: net.Socket;
  send(text: string): void;
  /** Resolves once what arrived so far matches. */
  until(re: RegExp): Promise<void>;
  received(): string;
  stopReading(): void;
  close(): void;
}

function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]);
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}

export async function rawWebSocket(base: string, path: string): Promise<RawWebSocket> {
  const cookie = defaultHeaders(base).cookie;
  const { hostname, port } = new URL(base);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  let received = '';
  const checks = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
    for (const c of [...checks]) c();
  });
  const until = (re: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!re.test(received)) return;
        checks.delete(check);
        resolve();
      };
      checks.add(check);
      check();
    });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      // the session the test app registered for this server (test/support/auth.ts)
      (cookie ? `Cookie: ${cookie}\r\n` : '') +
      '\r\n',
  );
  await until(/^HTTP\/1\.1 101/);
  return {
    socket,
    send: (text) => void socket.write(frame(text)),
    until,
    received: () => received,
    stopReading: () => void socket.pause(),
    close: () => void socket.destroy(),
  };
}
