import type { AddressInfo } from 'node:net';
import { generateNKeysBetween } from 'fractional-indexing';
import pg from 'pg';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';
import { benchDatabase } from './lib/database';
import { closedLoop } from './lib/measure';
import { profiled } from './lib/cpu-profile';
import { closeHttpClients, postJson } from './lib/http';
import { row, type BenchReport } from './lib/report';

// REST task creation (HTTP + validation + column lock + key computation + txid) against the
// floor: a raw pg INSERT of the same rows into the same table at the same concurrency.

const CONCURRENCY = 16;
const ROWS = Number(process.env.BENCH_ROWS ?? 2000);
const WARMUP = 200;

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const logs = silentLogs();
  const config = loadConfig({
    ...AUTH_TEST_ENV,
    DATABASE_URL: database.url,
    PORT: '0',
    SEED_DEMO: 'false',
    DB_POOL_MAX: '20',
  });
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const app = createApp({ config, logs, db });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // A signed-in user, as the app runs: postJson sends its session cookie (better-auth's cookie cache).
  await signUpDefault(base);
  const raw = new pg.Pool({ connectionString: database.url, max: CONCURRENCY });
  try {
    const post = (path: string, body: unknown) =>
      postJson(`${base}${path}`, body) as Promise<{ data: { id: string; columns: { id: string }[] } }>;
    const spreadNames = Array.from({ length: CONCURRENCY }, (_, i) => `spread ${i}`);
    const board = (
      await post('/api/boards', { name: 'Bench', columns: ['rest', 'raw', 'warm', ...spreadNames] })
    ).data;
    const [restCol, rawCol, warmCol, ...spreadCols] = board.columns.map((c) => c.id) as [
      string,
      string,
      string,
      ...string[],
    ];
    const createIn = (col: string) => (i: number) =>
      post(`/api/boards/${board.id}/tasks`, { columnId: col, title: `task ${i}` }).then(() => undefined);

    await closedLoop(WARMUP, CONCURRENCY, createIn(warmCol));
    const rest = await closedLoop(ROWS, CONCURRENCY, createIn(restCol));
    // The same creates spread over as many columns as there are clients: no shared column lock,
    // so this separates the REST path's own cost from one column's serialised commits.
    const spread = await profiled('rest-create-spread', () =>
      closedLoop(ROWS, CONCURRENCY, (i) => createIn(spreadCols[i % spreadCols.length]!)(i)),
    );

    // The baseline gets its keys up front: no lock, no sibling read, just the INSERT.
    const keys = generateNKeysBetween(null, null, ROWS);
    const sql = 'INSERT INTO tasks (board_id, column_id, title, position) VALUES ($1, $2, $3, $4)';
    const rawInsert = (i: number) =>
      raw.query(sql, [board.id, rawCol, `task ${i}`, keys[i]]).then(() => undefined);
    await closedLoop(WARMUP, CONCURRENCY, (i) => raw.query('SELECT $1::int', [i]).then(() => undefined));
    const baseline = await closedLoop(ROWS, CONCURRENCY, rawInsert);

    const { rows } = await raw.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tasks WHERE column_id = ANY($1)',
      [[restCol, rawCol, ...spreadCols]],
    );
    if (rows[0]!.n !== 3 * ROWS) throw new Error(`expected ${3 * ROWS} rows, found ${rows[0]!.n}`);

    const b = (value: number) => ({ value, label: 'raw pg INSERT' });
    return {
      name: 'rest-create',
      title: 'REST task create vs raw pg INSERT',
      params: { concurrency: CONCURRENCY, rows: ROWS, database: database.kind, node: process.version },
      rows: [
        row('throughput', rest.throughput, 'ops/s', 'higher', b(baseline.throughput)),
        row('latency p50', rest.p50, 'ms', 'lower', b(baseline.p50)),
        row('latency p99', rest.p99, 'ms', 'lower', b(baseline.p99)),
        row(
          'throughput, spread over 16 columns',
          spread.throughput,
          'ops/s',
          'higher',
          b(baseline.throughput),
        ),
        row('latency p50, spread over 16 columns', spread.p50, 'ms', 'lower', b(baseline.p50)),
        row('latency p99, spread over 16 columns', spread.p99, 'ms', 'lower', b(baseline.p99)),
      ],
      notes: [
        'REST: POST /api/boards/:id/tasks over keep-alive node:http to the app in this process, all into one column,',
        'then the same number spread round-robin over 16 columns (one per client).',
        'Creates into one column serialise on its row lock (the server computes each key from the current last key).',
        'Baseline: the same INSERT into the same table with precomputed keys and a pg pool of the same size.',
      ],
    };
  } finally {
    closeHttpClients();
    await raw.end();
    await app.close();
    await db.close();
    await database.close();
  }
}
