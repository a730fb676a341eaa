// Commit → received by every live subscriber of one board shape, at 1, 100 and 1,000 subscribers
// (official ShapeStreams in child processes), beside the replication-only latency (commit →
// transaction decoded by the server's capture, before any fan-out) and the raw HTTP long-poll floor, all measured
// in the same run.
//
// Pacing: before each commit the bench waits until the server holds a long-poll from every
// subscriber (ShapeLog.waiting === n), then commits once. That measures what the goal is about:
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
import { now, pct, rawLongPollServer, round, Subscribers, until } from './sync-fanout-lib';

const SUBSCRIBERS = [1, 100, 1000];
const WRITES: Record<number, number> = { 1: 100, 100: 60, 1000: 40 };
const WARMUP = 3; // first commits of each phase are not counted (JIT, connection pools)
// Subscriber processes for 100+ subscribers (BENCH_SUB_PROCS): 4 by default on this 2-core box.
const PROCS = Number(process.env.BENCH_SUB_PROCS ?? 4);

export async function run(): Promise<BenchReport> {
  const db0 = await benchDatabase();
  const logs = silentLogs();
  const config = loadConfig({
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
  const shape = await registry.get({
    schema: 'public',
    table: 'tasks',
    where: { column: 'board_id', value: board },
  });
  const writer = new pg.Client({ connectionString: db0.url });
  await writer.connect();
  const raw = await rawLongPollServer(600);
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

  try {
    for (const n of SUBSCRIBERS) {
      const procs = n >= 100 ? PROCS : 1;
      // The shape: official clients on our server.
      const subs = new Subscribers();
      await subs.start({ mode: 'shape', url, board, n, procs });
      const fanout: number[] = [];
      const server: number[] = [];
      const replication: number[] = [];
      const rearm: number[] = [];
      let cpuWall = 0;
      for (let i = 0; i < WRITES[n]! + WARMUP; i++) {
        const armStart = now();
        await until(() => shape.waiting === n, 30_000, `${n} held long-polls`);
        if (i === WARMUP) {
          subs.resetCpu();
          cpuWall = now();
        }
        const title = `bench-${seq++}`;
        const got = subs.expect(title);
        const committedAt = now(); // single-statement transaction: the commit is this statement
        await writer.query(
          `INSERT INTO tasks (board_id, column_id, title, position) VALUES ($1, $2, $3, $4)`,
          [board, column, title, `p${String(seq).padStart(6, '0')}`],
        );
        const times = await got;
        if (i < WARMUP) continue;
        rearm.push(committedAt - armStart);
        for (const t of times) fanout.push(t - committedAt);
        server.push(written - committedAt);
        replication.push(decoded - committedAt);
      }
      const cpu = await subs.cpuMs();
      const wall = now() - cpuWall;
      await subs.stop();

      // The floor: the same number of bare HTTP long-polls from the same kind of processes.
      const floor = new Subscribers();
      await floor.start({ mode: 'raw', url: raw.url, board, n, procs });
      const rawTimes: number[] = [];
      for (let i = 0; i < WRITES[n]! + WARMUP; i++) {
        await until(() => raw.held === n, 30_000, `${n} raw long-polls`);
        const id = `raw-${seq++}`;
        const got = floor.expect(id);
        const releasedAt = now();
        raw.release(id);
        const times = await got;
        if (i >= WARMUP) for (const t of times) rawTimes.push(t - releasedAt);
      }
      await floor.stop();

      const subs1 = `${n} subscriber${n === 1 ? '' : 's'}`;
      ms(`fan-out p50, ${subs1}`, pct(fanout, 50), ['replication only p50', pct(replication, 50)]);
      ms(`fan-out p99, ${subs1}`, pct(fanout, 99), ['replication only p99', pct(replication, 99)]);
      ms(`fan-out p99 against the HTTP floor, ${subs1}`, pct(fanout, 99), [
        'raw HTTP long-poll p99',
        pct(rawTimes, 99),
      ]);
      ms(`server: commit → every response written p99, ${subs1}`, pct(server, 99), [
        'replication only p99',
        pct(replication, 99),
      ]);
      notes.push(
        `${n}: ${procs} subscriber process(es) used ${round((100 * cpu) / wall)}% of one core; ` +
          `every subscriber held a long-poll again p50 ${round(pct(rearm, 50))} ms after the last one received the previous commit`,
      );
    }
  } finally {
    registry.onTransaction = onTransaction;
    await raw.close();
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
      'official ShapeStreams (long-poll) in child processes; each commit once every subscriber holds a long-poll (see the header of bench/sync-fanout.bench.ts)',
      "replication only = commit → decoded by the server's capture; server = commit → every held response handed to the kernel; raw HTTP floor = the same number of bare fetch long-polls released at once by a bare node:http server in the same process, same child processes",
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
