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
import { benchDatabase, now, pct, rawLongPollServer, round, Subscribers, until } from './sync-fanout-lib';

// Local stand-in for bench/lib/report.ts (not on main yet); the lead reconciles the type.
export interface BenchFigure {
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
}
export interface BenchReport {
  name: string;
  figures: BenchFigure[];
  note: string;
}

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
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  let seq = 0;
  const fig = (name: string, value: number, baseline?: [string, number]) =>
    figures.push({
      name,
      unit: 'ms',
      value: round(value),
      ...(baseline ? { baseline: { name: baseline[0], value: round(baseline[1]) } } : {}),
    });

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

      const repl: [string, number][] = [
        ['replication only p50', pct(replication, 50)],
        ['replication only p99', pct(replication, 99)],
      ];
      fig(`fan-out p50, ${n} subscribers`, pct(fanout, 50), repl[0]);
      fig(`fan-out p99, ${n} subscribers`, pct(fanout, 99), repl[1]);
      fig(`server: commit → every response written p50, ${n} subscribers`, pct(server, 50), repl[0]);
      fig(`server: commit → every response written p99, ${n} subscribers`, pct(server, 99), repl[1]);
      fig(`raw HTTP long-poll floor p50, ${n} subscribers`, pct(rawTimes, 50));
      fig(`raw HTTP long-poll floor p99, ${n} subscribers`, pct(rawTimes, 99));
      notes.push(
        `${n}: ${procs} subscriber process(es) used ${round((100 * cpu) / wall)}% of one core; ` +
          `all re-armed within p50 ${round(pct(rearm, 50))} ms after the previous commit`,
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
  const v = (name: string) => figures.find((f) => f.name === name)!.value;
  return {
    name: 'sync-fanout',
    figures,
    note:
      `commit → every subscriber of one board shape received it (official ShapeStream, long-poll, ` +
      `subscribers in child processes, each commit once all of them hold a long-poll). ` +
      `p99 at 100 subscribers ${v('fan-out p99, 100 subscribers')} ms (goal ≤ 30; raw HTTP floor ${v('raw HTTP long-poll floor p99, 100 subscribers')}), ` +
      `at 1,000 ${v('fan-out p99, 1000 subscribers')} ms (goal ≤ 100; raw HTTP floor ${v('raw HTTP long-poll floor p99, 1000 subscribers')}); ` +
      `server side (commit → every response written) p99 ${v('server: commit → every response written p99, 1000 subscribers')} ms at 1,000. ` +
      notes.join('; ') +
      '.',
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
