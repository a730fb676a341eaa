import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import type { MessageDelta } from '@kanban/shared';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { startAgentRuntime } from '../server/src/jobs/agent-runtime';
import { silentLogs } from '../server/src/logger';
import { startFakeLlm } from '../test/support/fake-llm';
import { StageRecorder } from './lib/agent-stages';
import { profiled } from './lib/cpu-profile';
import { byApplication, cpuSince, postmasterOf } from './lib/cpu-time';
import { benchDatabase } from './lib/database';
import { percentile } from './lib/measure';
import { closeHttpClients, postJson } from './lib/http';
import { AUTH_TEST_ENV, defaultHeaders, signUpDefault } from '../test/support/auth';
import { row, type BenchReport } from './lib/report';

// The agent pipeline under load, beside floors measured in the same run:
// 1. POST message → first delta at a second, watching client (instant fake model), at 1 and 20
//    concurrent tasks; floor: HTTP POST → socket.io emit → client on bare node:http + socket.io.
// 2. Token deliveries/s to 200 viewers of one task; floor: a raw socket.io broadcast of the same
//    tokens to 200 clients of one room.

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const VIEWERS = 200;
const TOKENS = 2000;

type Client = Socket; // untyped: it also talks to the bare floor server
const STAGES = [
  'client.post',
  'post.start',
  'post.commit',
  'boss.fetchStart',
  'boss.fetched',
  'job.handler',
  'reply.claimed',
  'reply.prompt',
  'model.request',
  'fake.arrived',
  'model.firstChunk',
  'delta.emit',
  'client.delivered',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function open(url: string): Promise<Client> {
  const s: Client = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: defaultHeaders(url),
  });
  await new Promise<void>((resolve, reject) => (s.once('connect', resolve), s.once('connect_error', reject)));
  return s;
}

const post = postJson;

/** Runs `rounds` ops with `concurrency` in flight; returns sorted latencies (ms). */
async function latencies(rounds: number, concurrency: number, op: (i: number) => Promise<number>) {
  const out: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rounds) out.push(await op(next++));
    }),
  );
  return out.sort((a, b) => a - b);
}

export async function run(): Promise<BenchReport> {
  const stages = new StageRecorder();
  stages.install();
  const database = await benchDatabase();
  const fake = await startFakeLlm();
  const logs = silentLogs();
  const config = loadConfig({
    ...AUTH_TEST_ENV,
    DATABASE_URL: database.url,
    PORT: '0',
    SEED_DEMO: 'false',
    DB_POOL_MAX: '30',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.baseUrl,
    AGENT_CONCURRENCY: '24',
    // One watcher follows every task of the run (220), subscribing back to back; the per-socket
    // defaults (50 tasks, 5 subscribes a second) are for browsers.
    REALTIME_MAX_SUBSCRIPTIONS: '1000',
    REALTIME_SUBSCRIBE_RATE: '100000',
  });
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const agent = await startAgentRuntime({ config, logs, db });
  const app = createApp({ config, logs, db, agent });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await signUpDefault(base); // postJson and the sockets send its cookie

  // The floor for (1): the same HTTP POST + room emit + client receive, with nothing between.
  const floorHttp = createServer();
  const floorIo = new Server(floorHttp);
  floorHttp.on('request', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { room } = JSON.parse(body) as { room: string };
      floorIo.to(room).emit('message.delta', { taskId: room, messageId: room, offset: 0, text: 'x' });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  floorIo.on('connection', (s) =>
    s.on('join', (room: string, ack: () => void) => {
      void s.join(room);
      ack();
    }),
  );
  await new Promise<void>((r) => floorHttp.listen(0, '127.0.0.1', r));
  const floorUrl = `http://127.0.0.1:${(floorHttp.address() as AddressInfo).port}`;

  const sockets: Client[] = [];
  try {
    const board = (await post(`${base}/api/boards`, { name: 'Bench' })).data;
    const column = board.columns[0].id as string;
    fake.setDefault({ text: 'ok done', usage: { prompt_tokens: 5, completion_tokens: 2 } });

    const watcher = await open(base);
    const floorWatcher = await open(floorUrl);
    sockets.push(watcher, floorWatcher);
    const waiting = new Map<string, () => void>();
    const onFirst = (d: MessageDelta) => {
      stages.add(d.taskId, 'client.delivered', performance.now());
      waiting.get(d.taskId)?.();
      waiting.delete(d.taskId);
    };
    watcher.on('message.delta', onFirst);
    floorWatcher.on('message.delta', onFirst);

    // Fresh tasks per round, so no reply waits behind another of its task.
    const byTitle = new Map<string, string>();
    const makeTasks = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const title = `bench ${byTitle.size}`;
        const t = await post(`${base}/api/boards/${board.id}/tasks`, { columnId: column, title });
        ids.push(t.data.id);
        byTitle.set(title, t.data.id);
        const ack = (await watcher.timeout(5000).emitWithAck('task.subscribe', { taskId: t.data.id })) as {
          ok: boolean;
        };
        if (!ack.ok) throw new Error(`task.subscribe refused: ${JSON.stringify(ack)}`);
      }
      return ids;
    };
    const timeFirstDelta = (taskId: string, send: () => Promise<unknown>) =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        stages.add(taskId, 'client.post', t0);
        // A reply that never streams fails the bench instead of hanging it.
        const timer = setTimeout(() => {
          void db.pool
            .query<{ role: string; status: string; error: string | null }>(
              `SELECT role, status, error FROM messages WHERE task_id = $1 ORDER BY seq`,
              [taskId],
            )
            .then(
              ({ rows }) => JSON.stringify(rows),
              () => 'a floor room',
            )
            .then((what) => reject(new Error(`no first delta for ${taskId} in 60 s: ${what}`)));
        }, 60_000);
        waiting.set(taskId, () => {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        });
        send().catch(reject);
      });

    const firstDelta = async (concurrency: number, tasks: string[]) => {
      await latencies(10, concurrency, (i) =>
        timeFirstDelta(tasks[ROUNDS + i]!, () =>
          post(`${base}/api/tasks/${tasks[ROUNDS + i]}/messages`, { content: 'hi' }),
        ),
      );
      return latencies(ROUNDS, concurrency, (i) =>
        timeFirstDelta(tasks[i]!, () => post(`${base}/api/tasks/${tasks[i]}/messages`, { content: 'hi' })),
      );
    };
    const floorDelta = async (concurrency: number) => {
      const rooms = Array.from({ length: ROUNDS + 10 }, (_, i) => `floor-${concurrency}-${i}`);
      for (const r of rooms) await floorWatcher.timeout(5000).emitWithAck('join', r);
      await latencies(10, concurrency, (i) =>
        timeFirstDelta(rooms[ROUNDS + i]!, () => post(floorUrl, { room: rooms[ROUNDS + i] })),
      );
      return latencies(ROUNDS, concurrency, (i) =>
        timeFirstDelta(rooms[i]!, () => post(floorUrl, { room: rooms[i] })),
      );
    };

    // Backends of the bench database's server are children of its postmaster (Linux only).
    const backend = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = process.platform === 'linux' ? postmasterOf(backend.rows[0]!.pid) : undefined;
    const lat: Record<number, { agent: number[]; floor: number[] }> = {};
    const breakdown: string[] = [];
    for (const c of [1, 20]) {
      stages.clear();
      const tasksBefore = new Set(byTitle.values());
      const tasks = await makeTasks(ROUNDS + 10);
      const cpu = cpuSince(postmaster);
      const agent = await profiled(`first-delta-${c}`, () => firstDelta(c, tasks));
      const used = cpu();
      const apps = await db.pool.query<{ pid: number; application_name: string }>(
        'SELECT pid, application_name FROM pg_stat_activity',
      );
      const perReply = (ms: number) => (ms / (ROUNDS + 10)).toFixed(1);
      const pgByApp = Object.entries(byApplication(used.byPid, apps.rows))
        .sort((a, b) => b[1] - a[1])
        .map(([k, ms]) => `${k} ${perReply(ms)}`)
        .join(', ');
      lat[c] = { agent, floor: await floorDelta(c) };
      for (const r of fake.requests) {
        const title = /Task: (bench \d+)/.exec(JSON.stringify(r.body))?.[1];
        const key = title && byTitle.get(title);
        if (key) stages.add(key, 'fake.arrived', r.atMono);
      }
      const keys = [...byTitle.values()].filter((k) => !tasksBefore.has(k));
      breakdown.push(
        `stages at ${c} concurrent, median (p99) ms: ${stages.summary(keys, STAGES)}`,
        `CPU per reply at ${c} concurrent (whole reply, server and bench clients alike), ms: node ${perReply(used.nodeMs)}, postgres ${perReply(used.postgresMs)} (${pgByApp})`,
      );
    }
    await sleep(500); // let the last replies finish before the fan-out run

    // (2) fan-out: one task, 200 viewers, the fake model streams TOKENS tokens as fast as it can.
    const tokens = Array.from({ length: TOKENS }, (_, i) => `t${i} `);
    const full = tokens.join('');
    const [fanTask] = await makeTasks(1);
    const viewers = await Promise.all(Array.from({ length: VIEWERS }, () => open(base)));
    sockets.push(...viewers);
    await Promise.all(
      viewers.map(async (v) => {
        const ack = (await v.timeout(10_000).emitWithAck('task.subscribe', { taskId: fanTask })) as {
          ok: boolean;
        };
        if (!ack.ok) throw new Error(`task.subscribe refused: ${JSON.stringify(ack)}`);
      }),
    );
    // Resolves once `v` holds the whole text of reply `messageId` (deltas may overlap).
    const done = (v: Client, messageId?: string) =>
      new Promise<void>((resolve) => {
        let have = 0;
        const on = (d: MessageDelta) => {
          if (messageId && d.messageId !== messageId) return;
          have = Math.max(have, d.offset + d.text.length);
          if (have < full.length) return;
          v.off('message.delta', on);
          resolve();
        };
        v.on('message.delta', on);
      });
    // What one viewer received, in order: the coalesced payloads, replayed by the fair floor.
    const seen: MessageDelta[] = [];
    viewers[0]!.on('message.delta', (d: MessageDelta) => seen.push(d));
    let t0 = performance.now();
    const allAgent = Promise.all(viewers.map((v) => done(v)));
    fake.enqueue({ text: tokens });
    await post(`${base}/api/tasks/${fanTask}/messages`, { content: 'stream' });
    await allAgent;
    const agentSecs = (performance.now() - t0) / 1000;

    const rawViewers = await Promise.all(Array.from({ length: VIEWERS }, () => open(floorUrl)));
    sockets.push(...rawViewers);
    await Promise.all(rawViewers.map((v) => v.timeout(10_000).emitWithAck('join', 'fan')));
    // Floor 1: one packet per token, as an uncoalesced server would send.
    t0 = performance.now();
    let offset = 0;
    const allRaw = Promise.all(rawViewers.map((v) => done(v, 'fan')));
    for (let i = 0; i < TOKENS; i++) {
      floorIo.to('fan').emit('message.delta', { taskId: 'fan', messageId: 'fan', offset, text: tokens[i]! });
      offset += tokens[i]!.length;
      if (i % 10 === 9) await new Promise((r) => setImmediate(r)); // as a streaming source would yield
    }
    await allRaw;
    const rawSecs = (performance.now() - t0) / 1000;
    // Floor 2: the very payloads our pipeline sent (same count and sizes), as fast as possible.
    t0 = performance.now();
    const allSame = Promise.all(rawViewers.map((v) => done(v, 'same')));
    for (const d of seen) {
      floorIo.to('fan').emit('message.delta', { ...d, taskId: 'fan', messageId: 'same' });
      await new Promise((r) => setImmediate(r));
    }
    await allSame;
    const sameSecs = (performance.now() - t0) / 1000;

    const ms = (label: string) => (v: number) => ({ value: v, label });
    const floor = ms('bare HTTP POST → socket.io emit');
    const rows = [1, 20].flatMap((c) => [
      row(
        `POST → first delta p50, ${c} concurrent`,
        percentile(lat[c]!.agent, 50),
        'ms',
        'lower',
        floor(percentile(lat[c]!.floor, 50)),
      ),
      row(
        `POST → first delta p99, ${c} concurrent`,
        percentile(lat[c]!.agent, 99),
        'ms',
        'lower',
        floor(percentile(lat[c]!.floor, 99)),
      ),
    ]);
    const fan = (TOKENS * VIEWERS) / agentSecs;
    rows.push(
      row(`token deliveries/s, ${VIEWERS} viewers`, fan, 'tok/s', 'higher', {
        value: (TOKENS * VIEWERS) / rawSecs,
        label: 'raw socket.io broadcast, one emit per token',
      }),
      row(`token deliveries/s, ${VIEWERS} viewers (same payloads)`, fan, 'tok/s', 'higher', {
        value: (TOKENS * VIEWERS) / sameSecs,
        label: `raw broadcast of our ${seen.length} coalesced deltas, back to back`,
      }),
    );
    return {
      name: 'agent-stream',
      title: 'Agent reply streaming: first-delta latency and fan-out',
      params: {
        rounds: ROUNDS,
        viewers: VIEWERS,
        tokens: TOKENS,
        database: database.kind,
        node: process.version,
      },
      rows,
      notes: [
        ...breakdown,
        'First delta: fresh task per round; POST /api/tasks/:id/messages → pg-boss job (NOTIFY pickup) → ChatOpenAI over HTTP to an instant fake model → coalescer (leading edge) → postgres adapter → a second client.',
        'Goals: p50 ≤ 15 ms, p99 ≤ 40 ms; fan-out ≥ 0.8× raw. Viewers and server share this process and its 2 cores.',
        'Fan-out: our deltas are coalesced (30 ms windows), so one packet carries many tokens; the first floor emits one packet per token, the second replays exactly the packets our pipeline sent. Our figure also includes the POST, the job, and the model streaming 2000 SSE chunks through LangChain, which the floors do not.',
      ],
    };
  } finally {
    stages.uninstall();
    for (const s of sockets) s.disconnect();
    await app.close();
    await agent.stop();
    await db.close();
    await floorIo.close();
    await fake.close();
    closeHttpClients();
    await database.close();
  }
}
