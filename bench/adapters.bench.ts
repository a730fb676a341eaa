import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { pipelinedTransaction } from '../server/src/commands/message-pipeline';
import { sendOnClient } from '../server/src/adapters/pg-boss';
import { statementName } from '../server/src/jobs/prepared';
import { benchDatabase } from './lib/database';
import { closedLoop, merged, type LoadResult } from './lib/measure';
import { row, type BenchReport } from './lib/report';

// What the two adapters that exist for speed are worth (docs/adapters.md), each beside the
// public-API way of doing the same thing, same run, same database:
// - pg's socket (adapters/pg.ts): a pipelined transaction corked into one write, beside the
//   same pipeline uncorked, and beside the statements one round trip at a time.
// - pg-boss send() on a pipelined client (adapters/pg-boss.ts): BEGIN, an insert, the job and
//   COMMIT in one round trip, beside boss.send() in an ordinary transaction (its public `db`).

const N = Number(process.env.BENCH_ROWS ?? 600);
const CONCURRENCY = 4;
const SLICES = 4;

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: CONCURRENCY });
  // pg's public pipeline mode, as the message post's pool (jobs/agent-runtime.ts).
  const pipelined = new pg.Pool({
    connectionString: database.url,
    max: CONCURRENCY,
    pipeline: true,
  });
  const boss = new PgBoss({ connectionString: database.url, schema: 'pgboss_bench', supervise: false });
  boss.on('error', () => undefined);
  try {
    await boss.start();
    await boss.createQueue('bench');
    await pool.query('CREATE TABLE bench_rows (id uuid PRIMARY KEY, n int)');
    const insert = 'INSERT INTO bench_rows (id, n) VALUES ($1, $2)';
    const three = (client: pg.PoolClient) =>
      Promise.resolve([0, 1, 2].map((n) => client.query(insert, [randomUUID(), n])));

    // Uncorked: the same pipeline, each statement its own write.
    const uncorked = async () => {
      const client = await pipelined.connect();
      try {
        const begin = client.query('BEGIN');
        const sent = await three(client);
        await Promise.all([begin, ...sent, client.query('COMMIT')]);
      } finally {
        client.release();
      }
    };
    const roundTrips = async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (let n = 0; n < 3; n++) await client.query(insert, [randomUUID(), n]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    const corked = () => pipelinedTransaction(pipelined, three).then(() => undefined);
    for (const f of [corked, uncorked, roundTrips]) await closedLoop(100, CONCURRENCY, f);

    const pipelinedSend = () =>
      pipelinedTransaction(pipelined, async (client) => {
        const first = client.query(insert, [randomUUID(), 0]);
        const { result } = await sendOnClient(boss, client, 'bench', { n: 1 }, {}, statementName);
        return [first, result];
      }).then(() => undefined);
    const publicSend = async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(insert, [randomUUID(), 0]);
        await boss.send(
          'bench',
          { n: 1 },
          { db: { executeSql: (text, values) => client.query(text, values) } },
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    for (const f of [pipelinedSend, publicSend]) await closedLoop(100, CONCURRENCY, f);
    // Interleaved slices (one of each per round): a machine busy elsewhere slows each alike.
    const kinds = { corked, uncorked, roundTrips, pipelinedSend, publicSend };
    const parts = Object.fromEntries(Object.keys(kinds).map((k) => [k, [] as LoadResult[]])) as Record<
      keyof typeof kinds,
      LoadResult[]
    >;
    for (let s = 0; s < SLICES; s++)
      for (const [k, f] of Object.entries(kinds) as [keyof typeof kinds, () => Promise<void>][])
        parts[k].push(await closedLoop(N / SLICES, CONCURRENCY, f));
    const [c, u, r, ps, pub] = [
      parts.corked,
      parts.uncorked,
      parts.roundTrips,
      parts.pipelinedSend,
      parts.publicSend,
    ].map(merged) as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];

    const rt = (value: number) => ({ value, label: 'one round trip per statement' });
    const pubB = (value: number) => ({ value, label: 'boss.send() in a plain transaction' });
    return {
      name: 'adapters',
      title: 'What the speed adapters are worth (pg socket cork, pg-boss pipelined send)',
      params: { transactions: N, concurrency: CONCURRENCY, database: database.kind },
      rows: [
        row('pipelined + corked (adapters/pg.ts), p50', c.p50, 'ms', 'lower', rt(r.p50)),
        row('pipelined, not corked, p50', u.p50, 'ms', 'lower', rt(r.p50)),
        row('pipelined + corked, throughput', c.throughput, 'tx/s', 'higher', rt(r.throughput)),
        row('pipelined, not corked, throughput', u.throughput, 'tx/s', 'higher', rt(r.throughput)),
        row('insert + job pipelined (adapters/pg-boss.ts), p50', ps.p50, 'ms', 'lower', pubB(pub.p50)),
        row('insert + job pipelined, throughput', ps.throughput, 'tx/s', 'higher', pubB(pub.throughput)),
      ],
      notes: [
        'A transaction: BEGIN, three INSERTs, COMMIT (the cork rows); BEGIN, an INSERT, a pg-boss job, COMMIT (the send rows).',
        `${CONCURRENCY} clients in a closed loop; the message post (commands/post-message.ts) is the production user of both.`,
      ],
    };
  } finally {
    await boss.stop({ graceful: false }).catch(() => undefined);
    await pool.end();
    await pipelined.end();
    await database.close();
  }
}
