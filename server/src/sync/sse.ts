import type { ServerResponse } from 'node:http';
import type { Offset } from './offset';
import type { ShapeLog } from './shape-log';

// Live mode over Server-Sent Events (`live_sse=true`, the client's `liveSse: true`), as Electric
// answers it (sync-service lib/electric/shapes/api.ex stream_sse_events/next_sse_event,
// electric-protocol §5.3): one long response per connection instead of one request per change.
// - 200 text/event-stream with the live headers (electric-handle, -offset, -cursor); the client
//   checks them when the stream opens.
// - each batch of changes is one `data: <message>` event per change followed by an up-to-date
//   whose global_last_seen_lsn is the batch's last LSN: the client continues from `<lsn>_0`.
// - `: keep-alive` comments after SHAPE_SSE_KEEPALIVE_MS of silence (Electric: 21 s), so idle
//   proxies and load balancers keep the connection.
// - the server ends the stream after SHAPE_SSE_TIMEOUT_MS (Electric: 60 s) and the client
//   reconnects from its offset; when the shape is retired (rotation, schema change, restart of the
//   capture) the stream ends too and the reconnect gets the 409.
// One difference from Electric, on purpose: Electric answers a stream whose offset is behind with
// the missing changes and ends it; we send them and keep the stream open, so a busy shape does
// not look like a proxy closing streams at once (the client falls back to long-polling after 3
// connections shorter than a second).

export interface SseOptions {
  timeoutMs: number;
  keepaliveMs: number;
}

/** A stream whose unsent bytes pass this is ended: the client reconnects and catches up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const KEEPALIVE = Buffer.from(': keep-alive\n\n');

export function streamShape(
  shape: ShapeLog,
  start: { offset: Offset; responseOffset: string; cursor: string; cacheControl: string; requestId?: string },
  opts: SseOptions,
  res: ServerResponse,
): Promise<void> {
  const headers = [
    'content-type',
    'text/event-stream',
    'cache-control',
    start.cacheControl,
    // nginx: stream it, never buffer (and so never cache) an open stream.
    'x-accel-buffering',
    'no',
    'connection',
    'keep-alive',
    'electric-handle',
    shape.handle,
    'electric-offset',
    start.responseOffset,
    'electric-cursor',
    start.cursor,
  ];
  if (start.requestId !== undefined) headers.push('x-request-id', start.requestId);
  res.writeHead(200, headers);
  res.flushHeaders();

  let offset = start.offset;
  let lastWrite = Date.now();
  return new Promise((resolve) => {
    let ended = false;
    let keepalive: NodeJS.Timeout | undefined;
    let stop = () => undefined as unknown;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(keepalive);
      clearTimeout(timeout);
      stop();
      res.off('close', end);
      res.end();
      resolve();
    };
    const send = () => {
      const f = shape.sseFrames(offset);
      if (!f) return;
      offset = f.offset;
      lastWrite = Date.now();
      res.write(f.bytes);
      if (res.writableLength > MAX_BUFFERED_BYTES) end();
    };
    // Like Electric: a keep-alive only after a whole interval of silence, rescheduled otherwise.
    const tick = () => {
      const idle = Date.now() - lastWrite;
      if (idle >= opts.keepaliveMs) {
        lastWrite = Date.now();
        res.write(KEEPALIVE);
        keepalive = setTimeout(tick, opts.keepaliveMs);
      } else keepalive = setTimeout(tick, opts.keepaliveMs - idle);
    };
    res.once('close', end);
    const timeout = setTimeout(end, opts.timeoutMs);
    keepalive = setTimeout(tick, opts.keepaliveMs);
    stop = shape.listen({ data: send, gone: end });
    if (!ended) send(); // what the log already has after the offset
  });
}
