// Commit → received by every live subscriber of one board shape, at 1, 100 and 1,000 subscribers
// (ShapeStreams in a child process), beside the replication-only latency (commit → transaction
// decoded by a capture in this process) measured in the same run.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { startEmbeddedPostgres, type EmbeddedDb } from '../server/src/db/embedded';
import { migrate } from '../server/src/db/migrate';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { createSync } from '../server/src/sync';
import { createCapture } from '../server/src/sync/capture';

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
const WRITES: Record<number, number> = { 1: 200, 100: 100, 1000: 40 };
const now = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number) => Math.round(x * 100) / 100;

async function database(): Promise<{ url: string; close(): Promise<void> }> {
  const log = silentLogs().for('db');
  let embedded: EmbeddedDb | undefined;
  let dir: string | undefined;
  let admin = process.env.DATABASE_URL;
  if (!admin) {
    dir = await mkdtemp(path.join(tmpdir(), 'kanban-bench-'));
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), log });
    admin = embedded.url;
  }
  const name = `kanban_bench_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  await migrate(url.toString(), log);
  return {
    url: url.toString(),
    async close() {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
      await embedded?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function onceMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child: no ${type} in ${timeoutMs} ms`)), timeoutMs);
    const on = (m: { type: string } & T) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
  });
}

export async function run(): Promise<BenchReport> {
  const db0 = await database();
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

  // Replication only: a second capture in this process timestamps each decoded transaction.
  const decoded = new Map<string, number>();
  const capture = createCapture({
    url: db0.url,
    pool: db.pool,
    log: logs.for('sync'),
    events: {
      transaction: (tx) => {
        const t = now();
        for (const c of tx.changes)
          if (c.kind === 'insert' && c.table === 'tasks') decoded.set(String(c.new.title), t);
      },
      invalidate: () => undefined,
    },
  });
  await capture.start();

  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO boards (name) VALUES ('bench') RETURNING id`,
  );
  const board = rows[0]!.id;
  const col = await db.pool.query<{ id: string }>(
    `INSERT INTO columns (board_id, name, position) VALUES ($1, 'c', 'a0') RETURNING id`,
    [board],
  );
  const writer = new pg.Client({ connectionString: db0.url });
  await writer.connect();
  const figures: BenchFigure[] = [];
  const replication: number[] = [];
  let seq = 0;
  try {
    for (const n of SUBSCRIBERS) {
      const child = fork(fileURLToPath(new URL('./sync-fanout-subscribers.ts', import.meta.url)), [], {
        // BENCH_CHILD_CPU_PROF=<dir> profiles the subscriber process (NODE_OPTIONS refuses --cpu-prof).
        execArgv: [
          '--import',
          'tsx',
          ...(process.env.BENCH_CHILD_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CHILD_CPU_PROF}`]
            : []),
        ],
      });
      const ready = onceMessage(child, 'ready', 120_000);
      child.send({ url, board, n });
      await ready;
      const samples: number[] = [];
      for (let i = 0; i < WRITES[n]!; i++) {
        const title = `bench-${seq++}`;
        const got = onceMessage<{ times: number[] }>(child, 'received', 30_000);
        const committedAt = now(); // single-statement transaction: the commit is this statement
        await writer.query(
          `INSERT INTO tasks (board_id, column_id, title, position) VALUES ($1, $2, $3, $4)`,
          [board, col.rows[0]!.id, title, `p${String(seq).padStart(6, '0')}`],
        );
        const { times } = await got;
        for (const t of times) samples.push(t - committedAt);
        const d = decoded.get(title);
        if (d !== undefined) replication.push(d - committedAt);
        await new Promise((r) => setTimeout(r, 10));
      }
      child.send({ type: 'stop' });
      await new Promise((r) => child.once('exit', r));
      const repl = { p50: pct(replication, 50), p99: pct(replication, 99) };
      figures.push(
        {
          name: `fan-out p50, ${n} subscribers`,
          unit: 'ms',
          value: round(pct(samples, 50)),
          baseline: { name: 'replication only p50', value: round(repl.p50) },
        },
        {
          name: `fan-out p99, ${n} subscribers`,
          unit: 'ms',
          value: round(pct(samples, 99)),
          baseline: { name: 'replication only p99', value: round(repl.p99) },
        },
      );
    }
  } finally {
    await writer.end();
    await capture.stop();
    await app.close();
    await sync.stop();
    await db.close();
    await db0.close();
  }
  const p99 = (n: number) => figures.find((f) => f.name === `fan-out p99, ${n} subscribers`)!.value;
  return {
    name: 'sync-fanout',
    figures,
    note:
      `commit → every subscriber of one board shape received it (official ShapeStream, long-poll, in a child process). ` +
      `p99 at 100 subscribers ${p99(100)} ms (goal ≤ 30), at 1,000 ${p99(1000)} ms (goal ≤ 100); ` +
      `replication alone (commit → decoded) p50 ${round(pct(replication, 50))} ms, p99 ${round(pct(replication, 99))} ms.`,
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
