import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';
import { startFakeLlm } from '../test/support/fake-llm';
import { forkChild } from './lib/child';
import { benchDatabase } from './lib/database';
import { closeHttpClients, postJson } from './lib/http';
import type { ClientsMessage, ClientsRequest } from './lib/load-clients';
import { percentile } from './lib/measure';
import { row, type BenchReport, type BenchRow } from './lib/report';
import type { RoleMessage } from './lib/role-process';
import type { TraceMessage } from './lib/reply-role';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRole } from './lib/role-bundle';

// Issue 13 item 5: the reply path across processes, as a scaled-out deployment runs it. The web
// role (ROLES=web), the worker role (ROLES=worker) and the clients are three processes; a POST
// /api/tasks/:id/messages goes web → pg-boss job → worker → instant fake model → first token →
// socket.io postgres adapter → web → the watching client. Timed: POST → first `message.delta`,
// p50/p99, at 1 and 20 concurrent tasks (a fresh task per reply). The floor, same run: POST to a
// bare node:http + socket.io server inside the web process, which emits to the watcher's room
// with no job in between. Also the worker's Node CPU per reply (its process.cpuUsage delta over
// the measured replies, until every reply ended, over their count). BENCH_ROUNDS=20: quick run.
// Also each reply's stages (POST accepted → job committed → worker's handler → claimed → agent
// built → model request sent → arrived at the fake model → first chunk → emitted → received),
// from the server's trace marks in both roles (bench/lib/reply-role.ts) and the fake's arrival
// times, as wall-clock times of one machine. BENCH_CPU_PROF=<dir>: the worker runs under
// `node --cpu-prof` and writes its profile there when it stops (bench/lib/cpu-profile-summary.ts
// reads it).

const DIR = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const WARMUP = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 100) / 100;
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;

// bench/lib/reply-role.ts bundled as role-process.ts is (bench/lib/role-bundle.ts), so both
// roles run as production does.
const bundleReplyRole = () => bundleRole('bench/lib/reply-role.ts', 'bench-reply-role.mjs');

// The stages of one reply in order, and where each is marked.
const STAGES = [
  'post.start', // web: the POST handler runs
  'post.commit', // web: the message and its job committed
  'job.handler', // worker: the dispatcher handed the job over
  'reply.claimed', // worker: startReply claimed it
  'reply.agent', // worker: the agent is built
  'reply.stream', // worker: budget and checkpoint looked up, the stream starts
  'model.request', // worker: the model call starts (wrapModelCall)
  'fake.arrived', // bench: the request reached the fake model
  'model.firstChunk', // worker: the first token
  'delta.emit', // worker: emitted to the postgres adapter
] as const;

/** Median (p99) of each step from the previous stage, over the replies that have every stage. */
function stageSummary(byTask: Map<string, Record<string, number>>, latencies: number[]): string {
  // Stages no reply has are left out (an older server without that mark).
  const all = [...byTask.values()];
  const stages = STAGES.filter((s) => all.some((t) => t[s] !== undefined));
  const rows = all.filter((t) => stages.every((s) => t[s] !== undefined));
  const parts = stages.slice(1).map((s, i) => {
    const d = rows.map((t) => t[s]! - t[stages[i]!]!).sort((a, b) => a - b);
    return `${s} +${round(percentile(d, 50))} (${round(percentile(d, 99))})`;
  });
  // The watcher's receipt: its POST → delta time less POST accepted → emitted (medians).
  const toEmit = rows.map((t) => t['delta.emit']! - t['post.start']!).sort((a, b) => a - b);
  parts.push(`received ≈ +${round(percentile(latencies, 50) - percentile(toEmit, 50))} (median of the rest)`);
  return `${rows.length} replies: ${parts.join(', ')}`;
}

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const fake = await startFakeLlm();
  fake.setDefault({ text: 'ok done', usage: { prompt_tokens: 5, completion_tokens: 2 } });
  const env = {
    ...AUTH_TEST_ENV,
    DATABASE_URL: database.url,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'bench',
    AGENT_CONCURRENCY: '24',
    DB_POOL_MAX: '30',
    // One watcher subscribes to every task of a phase.
    REALTIME_MAX_SUBSCRIPTIONS: '10000',
    REALTIME_SUBSCRIBE_RATE: '100000',
    REALTIME_SUBSCRIBE_BURST: '100000',
  };
  const bundle = await bundleReplyRole();
  if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
  const web = forkChild<RoleMessage | TraceMessage>(bundle, { ...env, ROLES: 'web' });
  const worker = forkChild<RoleMessage | TraceMessage>(
    bundle,
    { ...env, ROLES: 'worker' },
    CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [],
  );
  const clients = forkChild<ClientsMessage>(path.join(DIR, 'lib/load-clients.ts'), {});
  const traces = async () => {
    const byTask = new Map<string, Record<string, number>>();
    for (const role of [web, worker]) {
      const answer = role.next<TraceMessage>('trace');
      role.send({ type: 'trace' });
      for (const [task, stages] of Object.entries((await answer).marks))
        byTask.set(task, { ...byTask.get(task), ...stages });
    }
    return byTask;
  };
  const workerCpu = async () => {
    worker.send({ type: 'stats' });
    return (await worker.next<Extract<RoleMessage, { type: 'stats' }>>('stats')).cpuMs;
  };
  const latencies = async (m: ClientsRequest) => {
    const answer = clients.next<Extract<ClientsMessage, { type: 'latencies' }>>('latencies');
    clients.send(m);
    return (await answer).ms;
  };
  try {
    const [ready] = await Promise.all([
      web.next<Extract<RoleMessage, { type: 'ready' }>>('ready'),
      worker.next<Extract<RoleMessage, { type: 'ready' }>>('ready'),
    ]);
    const url = ready.url!;
    const floorUrl = ready.floorUrl!;
    const { headers } = await signUpDefault(url);
    const board = (await postJson(`${url}/api/boards`, { name: 'Bench' })).data;
    let made = 0;
    const taskOfTitle = new Map<string, string>();
    const makeTasks = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const t = await postJson(`${url}/api/boards/${board.id}/tasks`, {
          columnId: board.columns[0].id,
          title: `bench ${made++}`,
        });
        ids.push(t.data.id);
        taskOfTitle.set(t.data.title, t.data.id);
      }
      return ids;
    };
    /** Resolves once every model request so far has ended, and the worker had time to finish. */
    const repliesEnded = async (count: number) => {
      await fake.waitForRequests(count, 60_000);
      while (fake.requests.some((r) => !r.ended)) await sleep(20);
      await sleep(300); // the final write of each reply comes after the model's last chunk
    };

    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const c of [1, 20]) {
      const warm = await makeTasks(WARMUP);
      await latencies({ type: 'first-delta', url, headers, tasks: warm, concurrency: c });
      await repliesEnded(fake.requests.length);
      const tasks = await makeTasks(ROUNDS);
      const before = fake.requests.length;
      await traces(); // forget the warm-up's marks
      const cpu0 = await workerCpu();
      const agent = await latencies({ type: 'first-delta', url, headers, tasks, concurrency: c });
      await repliesEnded(before + ROUNDS);
      const cpuPerReply = ((await workerCpu()) - cpu0) / ROUNDS;
      const byTask = await traces();
      // The fake model's arrival times, keyed by the task its prompt names.
      for (const r of fake.requests.slice(before)) {
        const title = /Task: (bench \d+)/.exec(JSON.stringify(r.body?.messages ?? []))?.[1];
        const stages = byTask.get(taskOfTitle.get(title ?? '') ?? '');
        if (stages) stages['fake.arrived'] ??= performance.timeOrigin + r.atMono;
      }
      notes.push(`stages at ${c} concurrent, median (p99) ms: ${stageSummary(byTask, agent)}`);
      const rooms = Array.from({ length: ROUNDS + WARMUP }, (_, i) => `floor-${c}-${i}`);
      await latencies({ type: 'floor', url: floorUrl, rooms: rooms.slice(ROUNDS), concurrency: c });
      const floor = await latencies({
        type: 'floor',
        url: floorUrl,
        rooms: rooms.slice(0, ROUNDS),
        concurrency: c,
      });
      for (const p of [50, 99])
        rows.push(
          row(`POST → first delta p${p}, ${c} concurrent`, round(percentile(agent, p)), 'ms', 'lower', {
            value: round(percentile(floor, p)),
            label: 'POST → emit in the web process',
          }),
        );
      rows.push(row(`worker Node CPU per reply, ${c} concurrent`, round(cpuPerReply), 'ms', 'lower'));
      notes.push(
        `${c} concurrent: ${ROUNDS} replies after ${WARMUP} warm-up ones; model requests ${fake.requests.length - before}`,
      );
    }
    return {
      name: 'reply-path',
      title: 'Reply path across processes: web, worker, clients',
      params: { rounds: ROUNDS, database: database.kind, node: process.version },
      rows,
      notes: [
        ...notes,
        'Three processes (web, worker: the server bundle under plain node; clients under tsx) on one database; the fake model answers at once.',
        'Worker CPU: process.cpuUsage delta from before the first POST to after the last reply ended (plus 300 ms), over the replies; includes its idle pg-boss polling over that time.',
      ],
    };
  } finally {
    await clients.stop();
    await Promise.all([web.stop(), worker.stop()]);
    await fake.close();
    closeHttpClients();
    await database.close();
  }
}
