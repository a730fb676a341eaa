import { Agent, request } from 'node:http';
import { generateNKeysBetween } from 'fractional-indexing';
import pg from 'pg';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { AUTH_TEST_ENV, defaultHeaders, signUpDefault } from '../test/support/auth';
import { benchDatabase } from './lib/database';
import { closedLoop, merged, type LoadResult } from './lib/measure';
import { profiled } from './lib/cpu-profile';
import { cpuSince, postmasterOf } from './lib/cpu-time';
import { closeHttpClients, postJson } from './lib/http';
import { row, type BenchReport } from './lib/report';
import { legacyCreateTask } from './lib/legacy-create';
import { forkChild } from './lib/child';
import { bundleRoleProcess } from './lib/role-bundle';
import type { RoleMessage } from './lib/role-process';
import { createTask } from '../server/src/commands/create-task';
import type { UserActor } from '../server/src/auth/actor';

// REST task writes as the app runs them (HTTP, session cookie, validation, policy check, column
// lock, key, activity, txid) against the floor: raw pg statements of the same rows into the same
// table at the same concurrency. Issue 13's target: create throughput ≥ 0.5× the raw INSERT loop
// and p99 ≤ 2× its p99. The phases are interleaved in slices (REST, raw, REST, raw, …) so a
// machine busy with something else slows both sides alike; CPU per op says where the time goes.
// The server is the web role in its own process, as production runs it (the esbuild bundle under
// plain node, live sync and its replication capture included: bench/lib/role-process.ts); this
// process is the HTTP client and the raw loop, so the two CPU figures are apart.

const CONCURRENCY = 16;
const ROWS = Number(process.env.BENCH_ROWS ?? 2000);
const SLICES = 4;
const WARMUP = 200;

const patchAgent = new Agent({ keepAlive: true, maxSockets: 64 });
function patchJson(url: string, body: unknown): Promise<void> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PATCH',
        agent: patchAgent,
        headers: {
          ...defaultHeaders(url),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`PATCH ${url}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const logs = silentLogs();
  const db = createDb(database.url, logs.for('db'), 20);
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const server = forkChild<RoleMessage>(
    await bundleRoleProcess(),
    {
      ...AUTH_TEST_ENV,
      DATABASE_URL: database.url,
      ROLES: 'web',
      PORT: '0',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      DB_POOL_MAX: '20',
    },
    // BENCH_CPU_PROFILE: the server's whole run as well (node --cpu-prof), beside the client's phases.
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const base = (await server.next<Extract<RoleMessage, { type: 'ready' }>>('ready')).url!;
  const serverCpu = async () => {
    server.send({ type: 'stats' });
    return (await server.next<Extract<RoleMessage, { type: 'stats' }>>('stats')).cpuMs;
  };
  // A signed-in user, as the app runs: postJson sends its session cookie.
  const owner = await signUpDefault(base);
  const actor: UserActor = {
    kind: 'user',
    userId: owner.userId,
    name: owner.name,
    isAdmin: true,
    via: 'session',
  };
  const raw = new pg.Pool({ connectionString: database.url, max: CONCURRENCY });
  try {
    const post = (path: string, body: unknown) =>
      postJson(`${base}${path}`, body) as Promise<{ data: { id: string; columns: { id: string }[] } }>;
    const spreadNames = Array.from({ length: CONCURRENCY }, (_, i) => `spread ${i}`);
    const rawSpreadNames = Array.from({ length: CONCURRENCY }, (_, i) => `raw spread ${i}`);
    const board = (
      await post('/api/boards', {
        name: 'Bench',
        columns: ['rest', 'raw', 'warm', 'moves', 'cmd new', 'cmd old', ...spreadNames, ...rawSpreadNames],
      })
    ).data;
    const [restCol, rawCol, warmCol, moveCol, newCol, oldCol, ...spreadAll] = board.columns.map(
      (c) => c.id,
    ) as [string, string, string, string, string, string, ...string[]];
    const spreadCols = spreadAll.slice(0, CONCURRENCY);
    const rawSpreadCols = spreadAll.slice(CONCURRENCY);
    const restIds: string[] = [];
    const createIn = (col: string) => (i: number) =>
      postJson(`${base}/api/boards/${board.id}/tasks`, { columnId: col, title: `task ${i}` }).then(
        (r: { data: { id: string } }) => void restIds.push(r.data.id),
      );
    const keys = generateNKeysBetween(null, null, ROWS);
    const insertSql =
      'INSERT INTO tasks (board_id, column_id, title, position) VALUES ($1, $2, $3, $4) RETURNING id';
    const rawIds: string[] = [];
    const rawInsert = (i: number) =>
      raw
        .query<{ id: string }>(insertSql, [board.id, rawCol, `task ${i}`, keys[i]])
        .then((r) => void rawIds.push(r.rows[0]!.id));
    // The raw loop again, round-robin over 16 columns of its own: a commit of a card updates its
    // column's card_count (migrations/0095, a deferred trigger), so one column's raw inserts queue
    // on that row's lock; spread, they do not. Both floors are reported.
    const rawSpreadInsert = (i: number) =>
      raw
        .query(insertSql, [board.id, rawSpreadCols[i % rawSpreadCols.length], `task ${i}`, keys[i]])
        .then(() => undefined);

    await closedLoop(WARMUP, CONCURRENCY, createIn(warmCol));
    await closedLoop(WARMUP, CONCURRENCY, (i) => raw.query('SELECT $1::int', [i]).then(() => undefined));
    const { rows: pid } = await raw.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = postmasterOf(pid[0]!.pid);

    const per = ROWS / SLICES;
    const phases = {
      rest: [] as LoadResult[],
      spread: [] as LoadResult[],
      raw: [] as LoadResult[],
      rawSpread: [] as LoadResult[],
    };
    const cpu = { rest: { node: 0, server: 0, pg: 0 }, raw: { node: 0, server: 0, pg: 0 } };
    let offset = 0;
    const timed = async (kind: 'rest' | 'raw', fn: () => Promise<LoadResult>) => {
      const server0 = await serverCpu();
      const done = cpuSince(postmaster);
      const r = await fn();
      const c = done();
      cpu[kind].server += (await serverCpu()) - server0;
      cpu[kind].node += c.nodeMs;
      cpu[kind].pg += c.postgresMs;
      return r;
    };
    for (let s = 0; s < SLICES; s++) {
      const o = offset;
      phases.rest.push(
        await timed('rest', () => closedLoop(per, CONCURRENCY, (i) => createIn(restCol)(o + i))),
      );
      phases.raw.push(await timed('raw', () => closedLoop(per, CONCURRENCY, (i) => rawInsert(o + i))));
      // The same creates spread over as many columns as there are clients: no shared column
      // lock, so this separates the REST path's own cost from one column's serialised commits.
      phases.spread.push(
        await profiled(`rest-create-spread-${s}`, () =>
          closedLoop(per, CONCURRENCY, (i) => createIn(spreadCols[(o + i) % spreadCols.length]!)(o + i)),
        ),
      );
      phases.rawSpread.push(await closedLoop(per, CONCURRENCY, (i) => rawSpreadInsert(o + i)));
      offset += per;
    }
    // The command alone (no HTTP), new beside old, each into one column: what the round trips
    // and the lock held across them cost.
    const deps = { db: db.db, actor };
    const cmd = { now: [] as LoadResult[], before: [] as LoadResult[] };
    const cmdCpu = { now: { node: 0, pg: 0 }, before: { node: 0, pg: 0 } };
    const cmdTimed = async (kind: 'now' | 'before', fn: () => Promise<LoadResult>) => {
      const done = cpuSince(postmaster);
      cmd[kind].push(await fn());
      const c = done();
      cmdCpu[kind].node += c.nodeMs;
      cmdCpu[kind].pg += c.postgresMs;
    };
    for (let s = 0; s < SLICES; s++) {
      await cmdTimed('now', () =>
        closedLoop(per, CONCURRENCY, (i) =>
          createTask(deps, board.id, { columnId: newCol, title: `c ${i}` }).then(() => undefined),
        ),
      );
      await cmdTimed('before', () =>
        closedLoop(per, CONCURRENCY, (i) =>
          legacyCreateTask(deps, board.id, { columnId: oldCol, title: `c ${i}` }).then(() => undefined),
        ),
      );
    }
    const cmdNow = merged(cmd.now);
    const cmdBefore = merged(cmd.before);
    const rest = merged(phases.rest);
    const spread = merged(phases.spread);
    const baseline = merged(phases.raw);
    const rawSpread = merged(phases.rawSpread);

    // Updates and moves of the created tasks, beside a raw UPDATE of the same rows.
    const patch = await closedLoop(ROWS, CONCURRENCY, (i) =>
      patchJson(`${base}/api/tasks/${restIds[i % restIds.length]}`, { title: `renamed ${i}` }),
    );
    const rawUpdate = await closedLoop(ROWS, CONCURRENCY, (i) =>
      raw
        .query('UPDATE tasks SET title = $1 WHERE id = $2', [`renamed ${i}`, rawIds[i % rawIds.length]])
        .then(() => undefined),
    );
    const move = await closedLoop(ROWS, CONCURRENCY, (i) =>
      postJson(`${base}/api/tasks/${restIds[i % restIds.length]}/move`, {
        columnId: i % 2 ? moveCol : restCol,
        placement: { index: 0 },
      }).then(() => undefined),
    );

    const { rows } = await raw.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tasks WHERE board_id = $1',
      [board.id],
    );
    const expected = WARMUP + 6 * ROWS;
    if (rows[0]!.n !== expected) throw new Error(`expected ${expected} rows, found ${rows[0]!.n}`);

    const b = (value: number) => ({ value, label: 'raw pg INSERT' });
    const u = (value: number) => ({ value, label: 'raw pg UPDATE' });
    const old = (value: number) => ({ value, label: 'the transaction of 8 round trips (before)' });
    const cmdOps = cmdNow.latencies.length;
    const restOps = rest.latencies.length;
    const rawOps = baseline.latencies.length;
    return {
      name: 'rest-create',
      title: 'REST task writes vs raw pg statements',
      params: {
        concurrency: CONCURRENCY,
        rows: ROWS,
        slices: SLICES,
        database: database.kind,
        node: process.version,
      },
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
        row(
          'raw INSERT throughput, spread over 16 columns',
          rawSpread.throughput,
          'ops/s',
          'higher',
          b(baseline.throughput),
        ),
        row('throughput, spread over 16 columns, vs raw spread', spread.throughput, 'ops/s', 'higher', {
          value: rawSpread.throughput,
          label: 'raw pg INSERT spread over 16 columns',
        }),
        row('latency p99, spread, vs raw spread', spread.p99, 'ms', 'lower', {
          value: rawSpread.p99,
          label: 'raw pg INSERT spread over 16 columns',
        }),
        row(
          'node CPU per create: server process',
          cpu.rest.server / restOps,
          'ms',
          'lower',
          b(cpu.raw.node / rawOps),
        ),
        row(
          'node CPU per create: HTTP client process',
          cpu.rest.node / restOps,
          'ms',
          'lower',
          b(cpu.raw.node / rawOps),
        ),
        row(
          'server process CPU per raw INSERT (its replication capture)',
          cpu.raw.server / rawOps,
          'ms',
          'lower',
          b(cpu.raw.node / rawOps),
        ),
        row('postgres CPU per create', cpu.rest.pg / restOps, 'ms', 'lower', b(cpu.raw.pg / rawOps)),
        row(
          'command only: create throughput',
          cmdNow.throughput,
          'ops/s',
          'higher',
          old(cmdBefore.throughput),
        ),
        row('command only: create p50', cmdNow.p50, 'ms', 'lower', old(cmdBefore.p50)),
        row('command only: create p99', cmdNow.p99, 'ms', 'lower', old(cmdBefore.p99)),
        row(
          'command only: node CPU per create',
          cmdCpu.now.node / cmdOps,
          'ms',
          'lower',
          old(cmdCpu.before.node / cmdOps),
        ),
        row(
          'command only: postgres CPU per create',
          cmdCpu.now.pg / cmdOps,
          'ms',
          'lower',
          old(cmdCpu.before.pg / cmdOps),
        ),
        row('PATCH title throughput', patch.throughput, 'ops/s', 'higher', u(rawUpdate.throughput)),
        row('PATCH title p99', patch.p99, 'ms', 'lower', u(rawUpdate.p99)),
        row(
          'move (alternating columns) throughput',
          move.throughput,
          'ops/s',
          'higher',
          u(rawUpdate.throughput),
        ),
        row('move p99', move.p99, 'ms', 'lower', u(rawUpdate.p99)),
      ],
      notes: [
        'REST: POST /api/boards/:id/tasks with a session cookie over keep-alive node:http to the app in this process,',
        `all into one column, and the same spread round-robin over 16 columns; ${SLICES} slices of each, interleaved with the raw loop.`,
        'Appends to one column take no column lock (migrations/0080): a random fraction after the last key keeps them apart.',
        'Baseline: the same INSERT into the same table with precomputed keys and a pg pool of the same size.',
        "Second baseline: the raw INSERT round-robin over 16 columns of its own. Each commit updates its column's card_count (migrations/0095), so the one-column loop is bounded by that row's lock; the spread loop is not.",
        'The server is the web role in its own process (server bundle under plain node, live sync on); the clients and the raw loop run in the bench process.',
        "CPU per create: the server process, the client process and the whole Postgres server, over the REST and raw slices; the server's CPU during the raw slices is what decoding those inserts from the replication stream costs it.",
        'PATCH and move: the REST-created tasks again, beside a raw UPDATE of a title.',
        'Command only: createTask() (policy check + one statement) beside the same create as it was (bench/lib/legacy-create.ts), interleaved, one column each.',
      ],
    };
  } finally {
    patchAgent.destroy();
    closeHttpClients();
    await raw.end();
    await server.stop();
    await db.close();
    await database.close();
  }
}
