// Child process of memory.bench.ts and reply-path.bench.ts: the clients, outside the server's
// process. Socket.IO clients (websocket, the session cookie) that each subscribe to one task and
// hold the connection, and bare node:http shape readers that catch up on one board's tasks shape
// (offset=-1 until up-to-date) and then hold live long-polls, re-arming as a client would. For
// reply-path it also times POST → first `message.delta` seen by a watching socket.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';

export type ClientsRequest =
  | { type: 'sockets'; url: string; headers: Record<string, string>; tasks: string[]; count: number }
  | { type: 'shapes'; url: string; headers: Record<string, string>; boards: string[]; count: number }
  | {
      type: 'first-delta';
      url: string;
      headers: Record<string, string>;
      tasks: string[];
      concurrency: number;
    }
  | { type: 'floor'; url: string; rooms: string[]; concurrency: number }
  | { type: 'stop' };
export type ClientsMessage =
  | { type: 'sockets'; connected: number }
  | { type: 'shapes'; armed: number }
  | { type: 'latencies'; ms: number[] };

const send = (m: ClientsMessage) => process.send!(m);
const sockets: Socket[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
let stopped = false;

function open(url: string, headers: Record<string, string>): Promise<Socket> {
  const s = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: headers,
  });
  sockets.push(s);
  return new Promise(
    (resolve, reject) => (s.once('connect', () => resolve(s)), s.once('connect_error', reject)),
  );
}

/** Runs `op` over `items` with `concurrency` in flight. */
async function pool<T, R>(items: T[], concurrency: number, op: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) out.push(await op(items[next++]!));
    }),
  );
  return out;
}

function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One reader of a board's tasks shape; resolves once its first live request is sent. */
async function reader(url: string, headers: Record<string, string>, board: string): Promise<void> {
  const shape = `${url}/api/shapes/tasks?board=${board}`;
  let offset = '-1';
  let handle = '';
  for (;;) {
    const res = await get(`${shape}&offset=${offset}${handle ? `&handle=${handle}` : ''}`, headers);
    if (res.status !== 200) throw new Error(`shape ${res.status}`);
    offset = String(res.headers['electric-offset']);
    handle = String(res.headers['electric-handle']);
    if (res.headers['electric-up-to-date'] !== undefined) break;
  }
  let armed!: () => void;
  const first = new Promise<void>((r) => (armed = r));
  void (async () => {
    while (!stopped) {
      const live = get(`${shape}&offset=${offset}&handle=${handle}&live=true`, headers);
      armed();
      const res = await live.catch(() => undefined);
      if (!res) continue;
      if (res.status === 200) offset = String(res.headers['electric-offset'] ?? offset);
      else if (res.status !== 204) await new Promise((r) => setTimeout(r, 100)); // never a tight loop
    }
  })();
  return first;
}

function post(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`POST ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** POST → first message.delta for that key on a watcher socket, per item. */
async function firstDeltas(
  watcher: Socket,
  items: string[],
  concurrency: number,
  postFor: (key: string) => Promise<void>,
) {
  const waiting = new Map<string, () => void>();
  const on = (d: { taskId: string }) => {
    waiting.get(d.taskId)?.();
    waiting.delete(d.taskId);
  };
  watcher.on('message.delta', on);
  const ms = await pool(items, concurrency, (key) => {
    const t0 = performance.now();
    const got = new Promise<number>((r) => waiting.set(key, () => r(performance.now() - t0)));
    return postFor(key).then(() => got);
  });
  watcher.off('message.delta', on);
  return ms.sort((a, b) => a - b);
}

process.on('message', (m: ClientsRequest) => {
  void (async () => {
    if (m.type === 'sockets') {
      const made = await pool(
        Array.from({ length: m.count }, (_, i) => i),
        50,
        async (i) => {
          const s = await open(m.url, m.headers);
          await s.timeout(30_000).emitWithAck('task.subscribe', { taskId: m.tasks[i % m.tasks.length] });
        },
      );
      send({ type: 'sockets', connected: made.length });
    } else if (m.type === 'shapes') {
      const armed = await pool(
        Array.from({ length: m.count }, (_, i) => i),
        50,
        (i) => reader(m.url, m.headers, m.boards[i % m.boards.length]!),
      );
      send({ type: 'shapes', armed: armed.length });
    } else if (m.type === 'first-delta') {
      const watcher = await open(m.url, m.headers);
      for (const taskId of m.tasks) await watcher.timeout(10_000).emitWithAck('task.subscribe', { taskId });
      const ms = await firstDeltas(watcher, m.tasks, m.concurrency, (taskId) =>
        post(`${m.url}/api/tasks/${taskId}/messages`, m.headers, { content: 'hi' }),
      );
      watcher.disconnect();
      send({ type: 'latencies', ms });
    } else if (m.type === 'floor') {
      const watcher = await open(m.url, {});
      for (const room of m.rooms) await watcher.timeout(10_000).emitWithAck('join', room);
      const ms = await firstDeltas(watcher, m.rooms, m.concurrency, (room) => post(m.url, {}, { room }));
      watcher.disconnect();
      send({ type: 'latencies', ms });
    } else if (m.type === 'stop') {
      stopped = true;
      for (const s of sockets) s.disconnect();
      agent.destroy();
      process.exit(0);
    }
  })().catch((err: unknown) => {
    process.stderr.write(`load-clients: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
});
