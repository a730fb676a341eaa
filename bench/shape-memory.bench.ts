import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { createSync } from '../server/src/sync';
import { benchDatabase } from './lib/database';
import { closedLoop } from './lib/measure';
import { closeHttpClients, postJson } from './lib/http';
import { AUTH_TEST_ENV, defaultHeaders, signUpDefault } from '../test/support/auth';
import { row, type BenchReport } from './lib/report';

// What the abuse of issue 8 costs the shape server now: shape requests for random board ids
// (each used to create a shape and a log), and requests at many distinct offsets of one long log
// (each used to cache its own joined suffix). Baselines from the same run: the same number of
// requests to one existing shape, and at one offset. Figures are the registry's own byte count
// and the process' heap growth.

const FLOOD = Number(process.env.BENCH_FLOOD ?? 20_000);
const OFFSETS = Number(process.env.BENCH_OFFSETS ?? 400);
const CONCURRENCY = 16;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url: string): Promise<{ status: number; offset: string; handle: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: defaultHeaders(url) }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          offset: String(res.headers['electric-offset']),
          handle: String(res.headers['electric-handle']),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
// With NODE_OPTIONS=--expose-gc (as `npm run bench` is best run for this one) heap figures are
// after a full collection; without it they are noisy upper bounds.
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const logs = silentLogs();
  const config = loadConfig({ ...AUTH_TEST_ENV, DATABASE_URL: database.url, PORT: '0', SEED_DEMO: 'false' });
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const sync = createSync({ config, logs, db });
  await sync.start();
  const app = createApp({ config, logs, db, sync });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const registry = sync.builtin!.registry;
  await signUpDefault(base); // the board owner: postJson and get send its cookie
  try {
    const board = (await postJson(`${base}/api/boards`, { name: 'Bench' })) as {
      data: { id: string; columns: { id: string }[] };
    };
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);

    let h0 = heap();
    await closedLoop(FLOOD, CONCURRENCY, async () => {
      count((await get(`${base}/api/shapes/tasks?board=${board.data.id}&offset=-1`)).status);
    });
    const oneShapeHeap = heap() - h0;
    h0 = heap();
    await closedLoop(FLOOD, CONCURRENCY, async () => {
      count((await get(`${base}/api/shapes/tasks?board=${randomUUID()}&offset=-1`)).status);
    });
    const floodHeap = heap() - h0;
    const afterFlood = registry.stats();

    // One shape with a long log, then a request at every one of its offsets.
    const first = await get(`${base}/api/shapes/tasks?board=${board.data.id}&offset=-1`);
    const offsets = [first.offset];
    let at = first.offset;
    for (let i = 0; i < OFFSETS; i++) {
      await postJson(`${base}/api/boards/${board.data.id}/tasks`, {
        columnId: board.data.columns[0]!.id,
        title: `task ${i}`,
        description: 'd'.repeat(500),
      });
      // A live request at the last offset answers with just this transaction: its offset.
      const live = `offset=${at}&handle=${first.handle}&live=true`;
      at = (await get(`${base}/api/shapes/tasks?board=${board.data.id}&${live}`)).offset;
      offsets.push(at);
    }
    const q = (o: string) =>
      `${base}/api/shapes/tasks?board=${board.data.id}&offset=${o}&handle=${first.handle}`;
    const bytes0 = registry.stats().bytes;
    h0 = heap();
    await closedLoop(OFFSETS, CONCURRENCY, async () => void (await get(q(offsets[0]!))));
    const sameHeap = heap() - h0;
    const sameBytes = registry.stats().bytes - bytes0;
    h0 = heap();
    await closedLoop(OFFSETS, CONCURRENCY, async (i) => void (await get(q(offsets[i % offsets.length]!))));
    const distinctHeap = heap() - h0;
    const distinctBytes = registry.stats().bytes - bytes0;

    return {
      name: 'shape-memory',
      title: 'Shape server memory under abuse',
      params: {
        'requests per flood': FLOOD,
        'distinct offsets': OFFSETS,
        concurrency: CONCURRENCY,
        database: database.kind,
        statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
      },
      rows: [
        row('random-board flood: shapes live after', afterFlood.shapes, 'shapes', 'lower'),
        row('random-board flood: heap growth', mb(floodHeap), 'MB', 'lower', {
          value: mb(oneShapeHeap),
          label: 'same count to one existing shape',
        }),
        row('distinct offsets: registry bytes growth', mb(distinctBytes), 'MB', 'lower', {
          value: mb(sameBytes),
          label: 'same count at one offset',
        }),
        row('distinct offsets: heap growth', mb(distinctHeap), 'MB', 'lower', {
          value: mb(sameHeap),
          label: 'same count at one offset',
        }),
      ],
      notes: [
        `registry after the offsets run: ${JSON.stringify(registry.stats())}`,
        gc ? 'heap measured after a forced GC' : 'no --expose-gc: heap figures are noisy',
        `SHAPE_CACHE_MAX_BYTES=${config.SHAPE_CACHE_MAX_BYTES}, SHAPE_MAX_BYTES=${config.SHAPE_MAX_BYTES}`,
      ],
    };
  } finally {
    agent.destroy();
    closeHttpClients();
    await app.close();
    await sync.stop();
    await db.close();
    await database.close();
  }
}
