// Child process of sync-fanout.bench.ts, one of several: `count` subscribers, either official
// ShapeStreams on one board shape ("shape" long-polling, "shape-sse" with liveSse) or the floors on
// the parent's raw server: bare fetch long-polls ("raw") or bare fetch SSE streams read line by
// line ("raw-sse"), what the same number of HTTP round-trips / stream writes cost on this machine
// without any shape logic. For every item it reports when each of its subscribers received it (wall clock from
// performance.timeOrigin, shared with the parent), and its own CPU time when asked.
import { isChangeMessage, ShapeStream } from '@electric-sql/client';

export interface SubscribersStart {
  mode: 'shape' | 'shape-sse' | 'raw' | 'raw-sse';
  url: string;
  board: string;
  count: number;
  /** The signed-in viewer's cookie (shapes are per user); the raw floors ignore it. */
  headers?: Record<string, string>;
}
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'received'; id: string; times: number[] }
  | { type: 'cpu'; userMs: number; systemMs: number };

const now = () => performance.timeOrigin + performance.now();
const send = (m: ChildMessage) => process.send!(m);

function collector(count: number) {
  const received = new Map<string, number[]>();
  return (id: string, t: number) => {
    let list = received.get(id);
    if (!list) received.set(id, (list = []));
    list.push(t);
    if (list.length === count) {
      send({ type: 'received', id, times: list });
      received.delete(id);
    }
  };
}

function shapeSubscribers(msg: SubscribersStart, got: (id: string, t: number) => void) {
  let ready = 0;
  const streams = Array.from({ length: msg.count }, () => {
    const s = new ShapeStream({
      url: `${msg.url}/api/shapes/tasks`,
      params: { board: msg.board },
      headers: msg.headers,
      warnOnHttp: false,
      liveSse: msg.mode === 'shape-sse',
    });
    let upToDate = false;
    s.subscribe((batch) => {
      const t = now();
      for (const m of batch) {
        if (isChangeMessage(m) && m.headers.operation === 'insert') got(m.value.title as string, t);
      }
      if (!upToDate && s.isUpToDate) {
        upToDate = true;
        if (++ready === msg.count) send({ type: 'ready' });
      }
    });
    return s;
  });
  return () => streams.forEach((s) => s.unsubscribeAll());
}

function rawSubscribers(msg: SubscribersStart, got: (id: string, t: number) => void) {
  // No shared AbortSignal: undici adds a listener per fetch to it. The process exits on stop.
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      // A connect that fails under a storm of 1,000 is retried, as the official client would.
      const body = await fetch(`${msg.url}/poll`)
        .then((res) => res.json() as Promise<{ id: string }>)
        .catch(() => undefined);
      if (body) got(body.id, now());
      else await new Promise((r) => setTimeout(r, 50)); // never a tight loop on a refused connect
    }
  };
  for (let i = 0; i < msg.count; i++) void loop();
  send({ type: 'ready' });
  return () => {
    stopped = true;
  };
}

function rawSseSubscribers(msg: SubscribersStart, got: (id: string, t: number) => void) {
  const open: AbortController[] = [];
  let opened = 0;
  const one = async () => {
    const abort = new AbortController();
    open.push(abort);
    const res = await fetch(`${msg.url}/sse`, { signal: abort.signal });
    if (++opened === msg.count) send({ type: 'ready' }); // counts reopened streams too: harmless
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of res.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const event = text.slice(0, end);
        text = text.slice(end + 2);
        if (event.startsWith('data: ')) got((JSON.parse(event.slice(6)) as { id: string }).id, now());
      }
    }
  };
  let stopped = false;
  const retrying = async () => {
    // A stream that fails to open (or drops) is opened again, as the official client would.
    while (!stopped) {
      await one().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50)); // never a tight loop on a refused connect
    }
  };
  for (let i = 0; i < msg.count; i++) void retrying();
  return () => {
    stopped = true;
    open.forEach((a) => a.abort());
  };
}

const modes = {
  shape: shapeSubscribers,
  'shape-sse': shapeSubscribers,
  raw: rawSubscribers,
  'raw-sse': rawSseSubscribers,
};

// A parent that died (a failed bench) must not leave subscribers running.
process.once('disconnect', () => process.exit(0));

process.once('message', (msg: SubscribersStart) => {
  const got = collector(msg.count);
  const stop = modes[msg.mode](msg, got);
  let cpu = process.cpuUsage();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu-reset') cpu = process.cpuUsage();
    if (m.type === 'cpu') {
      const d = process.cpuUsage(cpu);
      send({ type: 'cpu', userMs: d.user / 1000, systemMs: d.system / 1000 });
    }
    if (m.type === 'stop') {
      stop();
      process.exit(0);
    }
  });
});
