// Commit → received by every live subscriber of one board shape, at 1, 100 and 1,000 subscribers
// (official ShapeStreams in child processes), over long-poll and over SSE side by side, each beside
// the raw floor of its transport (bare long-polls / bare SSE streams from a bare node:http server),
// the replication-only latency (commit → transaction decoded by the server's capture, before any
// fan-out) and, with nginx installed, the caching-proxy row: 1,000 long-poll viewers through a real
// nginx and the shape requests that reach the server per commit. All in the same run.
// BENCH_SUBSCRIBERS=1,100 and BENCH_PROXY_VIEWERS=100 make a shorter run.
//
// Pacing: before each commit the bench waits until the server holds a long-poll (or an open
// stream) from every subscriber (ShapeLog.waiting === n; through the proxy: the one request nginx
// lets through), then commits once. That measures what the goal is about:
// how long a commit takes to reach subscribers that are live and waiting. Without it, the next
// commit would land while some clients are still parsing the previous batch, and the figure would
// be the harness's backlog. Commits to one board come at human pace in the product, far slower
// than a re-arm round-trip. The wait is not timed; the time every subscriber took to re-arm is
// reported in the note (it bounds the sustained commit rate per board shape).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { createSync } from '../server/src/sync';
import { availableParallelism, loadavg } from 'node:os';
import { benchDatabase } from './lib/database';
import { row, type BenchReport, type BenchRow } from './lib/report';
import { nginxInstalled, startNginx } from '../test/support/nginx';
import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';
import { now, pct, rawLongPollServer, rawSseServer, round, Subscribers, until } from './sync-fanout-lib';

const SUBSCRIBERS = (process.env.BENCH_SUBSCRIBERS ?? '1,100,1000').split(',').map(Number);
const WRITES: Record<number, number> = { 1: 100, 100: 60, 1000: 40 };
const PROXY_VIEWERS = Number(process.env.BENCH_PROXY_VIEWERS ?? 1000);
const PROXY_WRITES = 20;
const WARMUP = 3; // first commits of each phase are not counted (JIT, connection pools)
// Subscriber processes for 100+ subscribers (BENCH_SUB_PROCS): 4 by default on this 2-core box.
const PROCS = Number(process.env.BENCH_SUB_PROCS ?? 4);

export async function run(): Promise<BenchReport> {
  const db0 = await benchDatabase();
  const logs = silentLogs();
  const config = loadConfig({
    ...AUTH_TEST_ENV,
    NODE_ENV: 'production',
    DATABASE_URL: db0.url,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
  });
  const db = createDb(db0.url, logs.for('db'), 10);
  const sync = createSync({ config, logs, db });
  await sync.start();
  const app = createApp({ config, logs, db, sync });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const registry = sync.builtin!.registry;
  // Shapes are per user: every subscriber is the board's owner, signed in with a session cookie.
  const viewer = await signUpDefault(url);
  const headers = { cookie: viewer.cookie };

  // Server side: the capture hands each transaction to the registry, which answers every held
  // long-poll synchronously. Entering that call = replication only (commit → decoded by the
  // server's own capture); returning from it = every response written (handed to the kernel).
  let decoded = 0;
  let written = 0;
  const onTransaction = registry.onTransaction.bind(registry);
  registry.onTransaction = (tx) => {
    decoded = now();
    onTransaction(tx);
    written = now();
  };

  const board = (
    await db.pool.query<{ id: string }>(`INSERT INTO boards (name) VALUES ('bench') RETURNING id`)
  ).rows[0]!.id;
  const column = (
    await db.pool.query<{ id: string }>(
      `INSERT INTO columns (board_id, name, position) VALUES ($1, 'c', 'a0') RETURNING id`,
      [board],
    )
  ).rows[0]!.id;
  await db.pool.query(
    `INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, 'owner') ON CONFLICT DO NOTHING`,
    [board, viewer.userId],
  );
  const shape = await registry.get({
    schema: 'public',
    table: 'tasks',
    where: { column: 'board_id', value: board },
  });
  const writer = new pg.Client({ connectionString: db0.url });
  await writer.connect();
  const raw = await rawLongPollServer(600);
  const rawSse = await rawSseServer(600);
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const load = (when: string) =>
    `load average ${when} ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1/5/15 min)`;
  notes.push(load('at start'));
  let seq = 0;
  const ms = (label: string, value: number, base: [string, number]) =>
    rows.push(row(label, round(value), 'ms', 'lower', { label: base[0], value: round(base[1]) }));

  /** One phase: `n` subscribers of `mode`, WRITES[n] paced commits; what each commit cost. */
  async function shapePhase(mode: 'shape' | 'shape-sse', n: number, procs: number, target = url) {
    const subs = new Subscribers();
    await subs.start({ mode, url: target, board, n, procs, headers });
    const fanout: number[] = [];
    const server: number[] = [];
    const replication: number[] = [];
    const rearm: number[] = [];
    const proxied = target !== url;
    const writes = proxied ? PROXY_WRITES : WRITES[n]!;
    let cpuWall = 0;
    const requestsBefore = sync.builtin!.shapeRequests();
    let requestsAtWarm = requestsBefore;
    for (let i = 0; i < writes + WARMUP; i++) {
      const armStart = now();
      // Through the proxy only one request per URL reaches the server: wait for that one.
      const held = proxied ? 1 : n;
      await until(
        () => shape.waiting >= held,
        120_000,
        () => `${held} held ${mode} subscribers (commit ${i}, held ${shape.waiting})`,
      );
      if (i === WARMUP) {
        subs.resetCpu();
        cpuWall = now();
        requestsAtWarm = sync.builtin!.shapeRequests();
      }
      const title = `bench-${seq++}`;
      const got = subs.expect(title);
      const committedAt = now(); // single-statement transaction: the commit is this statement
      await writer.query(`INSERT INTO tasks (board_id, column_id, title, position) VALUES ($1, $2, $3, $4)`, [
        board,
        column,
        title,
        `p${String(seq).padStart(6, '0')}`,
      ]);
      const times = await got;
      if (i < WARMUP) continue;
      rearm.push(committedAt - armStart);
      for (const t of times) fanout.push(t - committedAt);
      server.push(written - committedAt);
      replication.push(decoded - committedAt);
    }
    const requests = (sync.builtin!.shapeRequests() - requestsAtWarm) / writes;
    const cpu = await subs.cpuMs();
    const wall = now() - cpuWall;
    await subs.stop();
    return { fanout, server, replication, rearm, cpuPct: (100 * cpu) / wall, requests };
  }

  /** The floor of one transport: the same number of bare clients released at once. */
  async function floorPhase(mode: 'raw' | 'raw-sse', n: number, procs: number) {
    const srv = mode === 'raw' ? raw : rawSse;
    const floor = new Subscribers();
    await floor.start({ mode, url: srv.url, board, n, procs });
    const times: number[] = [];
    for (let i = 0; i < WRITES[n]! + WARMUP; i++) {
      // Connecting 1,000 clients from busy child processes can take a while; never timed.
      await until(
        () => srv.held >= n,
        120_000,
        () => `${n} ${mode} clients (held ${srv.held})`,
      );
      const id = `${mode}-${seq++}`;
      const got = floor.expect(id);
      const releasedAt = now();
      srv.release(id);
      const all = await got;
      if (i >= WARMUP) for (const t of all) times.push(t - releasedAt);
    }
    await floor.stop();
    return times;
  }

  try {
    for (const n of SUBSCRIBERS) {
      const procs = n >= 100 ? PROCS : 1;
      const subs1 = `${n} subscriber${n === 1 ? '' : 's'}`;
      const floors = {
        shape: await floorPhase('raw', n, procs),
        'shape-sse': await floorPhase('raw-sse', n, procs),
      };
      for (const mode of ['shape', 'shape-sse'] as const) {
        const r = await shapePhase(mode, n, procs);
        const t = mode === 'shape' ? 'long-poll' : 'SSE';
        const floor = floors[mode];
        ms(`${t} fan-out p50, ${subs1}`, pct(r.fanout, 50), [`raw ${t} floor p50`, pct(floor, 50)]);
        ms(`${t} fan-out p99, ${subs1}`, pct(r.fanout, 99), [`raw ${t} floor p99`, pct(floor, 99)]);
        ms(`${t} server: commit → every subscriber written p99, ${subs1}`, pct(r.server, 99), [
          'replication only p99',
          pct(r.replication, 99),
        ]);
        notes.push(
          `${t}, ${n}: ${procs} subscriber process(es) used ${round(r.cpuPct)}% of one core; ` +
            `${round(r.requests)} shape requests per commit reached the server; ` +
            `every subscriber held again p50 ${round(pct(r.rearm, 50))} ms after the last one received the previous commit`,
        );
      }
    }
    if (nginxInstalled()) {
      // The caching-proxy row: 1,000 long-poll viewers through a real nginx (test/support/nginx.ts).
      const n = PROXY_VIEWERS;
      const proxy = await startNginx({
        upstreamPort: Number(new URL(url).port),
        longPollMs: config.SHAPE_LONG_POLL_MS,
      });
      try {
        const r = await shapePhase('shape', n, PROCS, proxy.url);
        rows.push(
          row(
            `through nginx: shape requests reaching the server per commit, ${n} viewers`,
            round(r.requests),
            'requests',
            'lower',
            {
              label: 'without the proxy (one per viewer)',
              value: n,
            },
          ),
        );
        ms(`through nginx: long-poll fan-out p99, ${n} viewers`, pct(r.fanout, 99), [
          'replication only p99',
          pct(r.replication, 99),
        ]);
        notes.push(
          `through nginx, ${n} viewers: fan-out p50 ${round(pct(r.fanout, 50))} ms; nginx wakes requests waiting on its cache lock every 500 ms (ngx_http_file_cache), which is most of that`,
        );
      } finally {
        await proxy.stop();
      }
    } else notes.push('caching-proxy row skipped: /usr/sbin/nginx is not installed');
  } finally {
    registry.onTransaction = onTransaction;
    await raw.close();
    await rawSse.close();
    await writer.end();
    await app.close();
    await sync.stop();
    await db.close();
    await db0.close();
  }
  notes.push(load('at the end'));
  return {
    name: 'sync-fanout',
    title: 'Sync fan-out: commit → received by every live subscriber of one board shape',
    params: {
      subscribers: SUBSCRIBERS.join('/'),
      'subscriber processes': `1/${PROCS}/${PROCS}`,
      commits: SUBSCRIBERS.map((n) => WRITES[n]).join('/'),
      database: db0.kind,
      cores: availableParallelism(),
    },
    rows,
    notes: [
      'official ShapeStreams (long-poll, and liveSse: true) in child processes; each commit once every subscriber holds a long-poll or an open stream (see the header of bench/sync-fanout.bench.ts)',
      "replication only = commit → decoded by the server's capture; server = commit → every held response / stream write handed to the kernel; raw floors = the same number of bare fetch long-polls, or bare fetch SSE streams, released at once by a bare node:http server in the same process, same child processes",
      ...notes,
    ],
  };
}

// `npx tsx bench/sync-fanout.bench.ts` runs it alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  run().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
