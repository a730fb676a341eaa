// Helpers of sync-fanout.bench.ts: the subscriber child processes, the raw HTTP floor server,
// percentiles.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, SubscribersStart } from './sync-fanout-subscribers';

export const now = () => performance.timeOrigin + performance.now();
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
export const round = (x: number) => Math.round(x * 100) / 100;

/** Polls `check` every millisecond until it holds (used between commits, never while timing). */
export async function until(
  check: () => boolean,
  timeoutMs: number,
  what: string | (() => string),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`bench: timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * `n` subscribers spread evenly over `procs` child processes. One process running 1,000 official
 * clients saturates a core by itself (undici + the client's parsing), which is the harness, not the
 * server; real subscribers are one per browser.
 */
export class Subscribers {
  private children: ChildProcess[] = [];
  private pending = new Map<string, { times: number[]; left: number; done: (t: number[]) => void }>();

  async start(opts: Omit<SubscribersStart, 'count'> & { n: number; procs: number }): Promise<void> {
    const script = fileURLToPath(new URL('./sync-fanout-subscribers.ts', import.meta.url));
    const procs = Math.min(opts.procs, opts.n);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < procs; i++) {
      const count = Math.floor(opts.n / procs) + (i < opts.n % procs ? 1 : 0);
      const prof = process.env.BENCH_CHILD_CPU_PROF; // NODE_OPTIONS refuses --cpu-prof
      const child = fork(script, [], {
        execArgv: ['--import', 'tsx', ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
      });
      this.children.push(child);
      ready.push(this.next(child, 'ready', 120_000).then(() => undefined));
      child.on('message', (m: ChildMessage) => {
        if (m.type !== 'received') return;
        const p = this.pending.get(m.id);
        if (!p) return;
        p.times.push(...m.times);
        if (--p.left === 0) {
          this.pending.delete(m.id);
          p.done(p.times);
        }
      });
      child.send({
        mode: opts.mode,
        url: opts.url,
        board: opts.board,
        count,
        headers: opts.headers,
      } satisfies SubscribersStart);
    }
    await Promise.all(ready);
  }

  /** Resolves with every subscriber's receive time of item `id`. Call before triggering it. */
  expect(id: string, timeoutMs = 30_000): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bench: ${id} not received in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (t: number[]) => (clearTimeout(timer), resolve(t));
      this.pending.set(id, { times: [], left: this.children.length, done });
    });
  }

  resetCpu(): void {
    for (const c of this.children) c.send({ type: 'cpu-reset' });
  }

  /** CPU time the subscriber processes used since resetCpu(), summed over processes (ms). */
  async cpuMs(): Promise<number> {
    const all = await Promise.all(
      this.children.map((c) => {
        const got = this.next(c, 'cpu', 10_000);
        c.send({ type: 'cpu' });
        return got;
      }),
    );
    return all.reduce((s, m) => s + (m.type === 'cpu' ? m.userMs + m.systemMs : 0), 0);
  }

  get processes(): number {
    return this.children.length;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((c) => {
        const exited = new Promise((r) => c.once('exit', r));
        c.send({ type: 'stop' });
        return exited;
      }),
    );
    this.children = [];
  }

  private next(child: ChildProcess, type: ChildMessage['type'], timeoutMs: number): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child: no ${type} in ${timeoutMs} ms`)), timeoutMs);
      const on = (m: ChildMessage) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
    });
  }
}

/**
 * The SSE floor: a bare node:http server holding GET /sse streams open and writing one `data:`
 * event the size of a one-change batch to all of them at once. Only the stream writes.
 */
export async function rawSseServer(bodyBytes: number) {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url !== '/sse') return void res.writeHead(404).end();
    res.writeHead(200, ['content-type', 'text/event-stream', 'cache-control', 'no-store']);
    res.flushHeaders();
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get held() {
      return open.size;
    },
    release(id: string) {
      const pad = 'x'.repeat(Math.max(0, bodyBytes - id.length - 20));
      const event = Buffer.from(`data: ${JSON.stringify({ id, pad })}\n\n`);
      for (const res of open) res.write(event);
    },
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The floor: a bare node:http server holding GET /poll long-polls, released all at once with a body
 * the size of a one-change shape response. No Express, no shape logic: only the HTTP round-trips.
 */
export async function rawLongPollServer(bodyBytes: number) {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url !== '/poll') return void res.writeHead(404).end();
    held.push(res);
    // A subscriber process that exits leaves nothing behind to be counted as held.
    res.once('close', () => {
      const i = held.indexOf(res);
      if (i >= 0) held.splice(i, 1);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get held() {
      return held.length;
    },
    release(id: string) {
      const pad = 'x'.repeat(Math.max(0, bodyBytes - id.length - 20));
      const body = Buffer.from(JSON.stringify({ id, pad }));
      for (const res of held.splice(0)) {
        res.writeHead(200, ['content-type', 'application/json', 'cache-control', 'no-store']);
        res.end(body);
      }
    },
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
