import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../server/src/app';
import type { UserActor } from '../server/src/auth/actor';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { createSync } from '../server/src/sync';
import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';
import { benchDatabase } from './lib/database';
import { closedLoop } from './lib/measure';
import { closeHttpClients, postJson } from './lib/http';
import { row, type BenchReport } from './lib/report';

// What authentication costs on the hot paths (issue 9's bench): the same REST creates and shape
// snapshot requests through the app as it runs (the session cookie resolved by better-auth, with
// its signed cookie cache) beside a second app on the same database whose actor is resolved up
// front (no cookie, no session lookup) — the same-run baseline. Aim: within 10 %.

const CONCURRENCY = 16;
const ROWS = Number(process.env.BENCH_ROWS ?? 1500);
const GETS = Number(process.env.BENCH_GETS ?? 1500);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function get(url: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        (res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

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
  const listen = async (app: ReturnType<typeof createApp>) => {
    await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  };
  const sync = createSync({ config, logs, db });
  await sync.start();
  const withAuth = createApp({ config, logs, db, sync });
  const authed = await listen(withAuth);
  const owner = await signUpDefault(authed); // registers the cookie postJson sends to `authed`
  const actor: UserActor = {
    kind: 'user',
    userId: owner.userId,
    name: owner.name,
    isAdmin: true,
    via: 'session',
  };
  const preResolved = createApp({ config, logs, db, sync, resolveActor: () => Promise.resolve(actor) });
  const bare = await listen(preResolved);
  try {
    const board = (await postJson(`${authed}/api/boards`, {
      name: 'Bench',
      columns: ['a', 'b', 'warm'],
    })) as {
      data: { id: string; columns: { id: string }[] };
    };
    const [colA, colB, warm] = board.data.columns.map((c) => c.id) as [string, string, string];
    const create = (base: string, col: string) => (i: number) =>
      postJson(`${base}/api/boards/${board.data.id}/tasks`, { columnId: col, title: `t ${i}` }).then(
        () => undefined,
      );
    await closedLoop(200, CONCURRENCY, create(authed, warm));
    await closedLoop(200, CONCURRENCY, create(bare, warm));
    // Alternate the two so neither gets the warmer half of the run.
    const restBare1 = await closedLoop(ROWS / 2, CONCURRENCY, create(bare, colB));
    const restAuth1 = await closedLoop(ROWS / 2, CONCURRENCY, create(authed, colA));
    const restBare2 = await closedLoop(ROWS / 2, CONCURRENCY, create(bare, colB));
    const restAuth2 = await closedLoop(ROWS / 2, CONCURRENCY, create(authed, colA));
    const shape = (base: string, headers: Record<string, string>) => () =>
      get(`${base}/api/shapes/columns?board=${board.data.id}&offset=-1`, headers);
    const shapeBare = await closedLoop(GETS, CONCURRENCY, shape(bare, {}));
    const shapeAuth = await closedLoop(GETS, CONCURRENCY, shape(authed, owner.headers));
    const avg = (a: number, b: number) => (a + b) / 2;
    const b = (value: number) => ({ value, label: 'actor pre-resolved' });
    return {
      name: 'auth',
      title: 'Authentication on the hot paths: session cookie vs a pre-resolved actor',
      params: { concurrency: CONCURRENCY, creates: ROWS, shapeRequests: GETS },
      rows: [
        row(
          'REST create throughput',
          avg(restAuth1.throughput, restAuth2.throughput),
          'ops/s',
          'higher',
          b(avg(restBare1.throughput, restBare2.throughput)),
        ),
        row(
          'REST create p50',
          avg(restAuth1.p50, restAuth2.p50),
          'ms',
          'lower',
          b(avg(restBare1.p50, restBare2.p50)),
        ),
        row(
          'REST create p99',
          avg(restAuth1.p99, restAuth2.p99),
          'ms',
          'lower',
          b(avg(restBare1.p99, restBare2.p99)),
        ),
        row('shape snapshot request p50', shapeAuth.p50, 'ms', 'lower', b(shapeBare.p50)),
        row('shape snapshot request p99', shapeAuth.p99, 'ms', 'lower', b(shapeBare.p99)),
      ],
      notes: ['Goal (issue 9): the session path within 10 % of the pre-resolved actor.'],
    };
  } finally {
    agent.destroy();
    closeHttpClients();
    await withAuth.close();
    await preResolved.close();
    await sync.stop();
    await db.close();
    await database.close();
  }
}
