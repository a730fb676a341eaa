import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { createAgent } from 'langchain';
import pg from 'pg';
import { boardTools } from '../server/src/agent/board-tools';
import { budgetMiddleware } from '../server/src/agent/budget-middleware';
import { openCheckpointer } from '../server/src/agent/checkpointer';
import { createChatModel } from '../server/src/agent/models';
import { buildPrompt } from '../server/src/agent/prompt';
import { createReplyAgent, IdleWatchdog, streamAttempt } from '../server/src/agent/reply-agent';
import { replyRouting } from '../server/src/agent/routing-tools';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { AUTH_TEST_ENV } from '../test/support/auth';
import { forkChild } from './lib/child';
import { profiled } from './lib/cpu-profile';
import { postmasterOf, serverTicks } from './lib/cpu-time';
import { benchDatabase } from './lib/database';
import type { FakeChildMessage } from './lib/fake-llm-child';
import { percentile } from './lib/measure';
import { row, type BenchReport, type BenchRow } from './lib/report';

// Issue 13 item 2: LangChain's own floor. The cheapest public-API use of each LangChain layer a
// reply goes through, against the fake OpenAI-compatible model (in a child process, so its CPU is
// not counted), each rung timed to its first non-empty token and to its end, and its Node CPU per
// call (process.cpuUsage over the rung's slices / its calls):
//   bare      fetch POST /v1/chat/completions (stream), SSE parsed by hand: the floor
//   chat      ChatOpenAI (as agent/models.ts builds it) .stream(messages)
//   agent0    createAgent, that model, no tools, no checkpointer: graph.stream, streamMode 'messages'
//   agent     the same with the reply's seven tools bound (board tools and mention)
//   agent+pg  the same with the worker's Postgres checkpointer (PipelinedSaver on a pipeline
//             pool), durability 'sync', a fresh thread per call
//   async     the same, durability 'async'
//   reply     what the worker runs per reply: tools and createReplyAgent built for the call (our
//             middleware, a no-op budget guard), streamAttempt (durability 'sync')
// The rungs run interleaved in slices (bare chat agent0 … reply, bare chat …) at 1 and 20 calls
// in flight, so every rung sees the same load. Postgres CPU per call is the bench database's
// server (embedded unless DATABASE_URL is set), summed over its processes.
// BENCH_CPU_PROFILE=<dir>: afterwards, each of agent, agent+pg and reply runs alone at 1 in flight
// under the V8 profiler (<dir>/langchain-floor-<rung>.cpuprofile; bench/lib/cpu-profile-summary.ts).
// BENCH_ROUNDS: calls per rung and concurrency (default 200; a slice is 1/8 of them).
// BENCH_LC_VARIANTS=1 adds the public options tried (v:… rungs): callbacks: [],
// LANGCHAIN_CALLBACKS_BACKGROUND=false, durability 'exit', and the reply agent built once
// instead of per reply.
// Not here: ChatOpenAI streamUsage: false and streamMode 'updates' make LangChain count tokens
// itself with tiktoken, whose ranks it fetches from tiktoken.pages.dev (offline: an error per call).

const DIR = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const SLICES = 8;
const round = (n: number) => Math.round(n * 100) / 100;

interface Timing {
  /** ms from the call's start to its first non-empty token. */
  first: number;
  /** ms to the end of the stream. */
  end: number;
}
interface Rung {
  name: string;
  label: string;
  /** Whether it writes checkpoints (Postgres CPU is reported). */
  pg?: boolean;
  /** Environment set around each of its slices. */
  env?: Record<string, string>;
  op: () => Promise<Timing>;
}
interface Tally {
  first: number[];
  end: number[];
  nodeMs: number;
  pgMs: number;
  calls: number;
}

/** Runs `n` calls of `op` with `concurrency` in flight. */
async function load(n: number, concurrency: number, op: () => Promise<Timing>): Promise<Timing[]> {
  const out: Timing[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next++ < n) out.push(await op());
    }),
  );
  return out;
}

const ticksMs = (m: Map<number, number>) => [...m.values()].reduce((s, t) => s + t, 0) * 10;

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const fake = forkChild<FakeChildMessage>(path.join(DIR, 'lib/fake-llm-child.ts'), {});
  const logs = silentLogs();
  const db = createDb(database.url, logs.for('db'), 10);
  // The worker's checkpoint pools (jobs/agent-runtime.ts): migrations on a plain pool, the
  // saver on a pipeline pool with asynchronous commit.
  const plainPool = new pg.Pool({ connectionString: database.url, max: 4 });
  const pipePool = new pg.Pool({
    connectionString: database.url,
    max: 12,
    pipeline: true,
    options: '-c synchronous_commit=off',
  });
  try {
    const { baseUrl } = await fake.next<Extract<FakeChildMessage, { type: 'ready' }>>('ready');
    const config = loadConfig({
      ...AUTH_TEST_ENV,
      DATABASE_URL: database.url,
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: 'bench',
    });
    const ref = { provider: 'openai' as const, model: 'gpt-4o-mini' };
    const model: BaseChatModel = createChatModel(config, ref);
    const checkpointer: BaseCheckpointSaver = await openCheckpointer(plainPool, pipePool);
    const messages: BaseMessage[] = buildPrompt({
      task: { title: 'bench 1', description: '' },
      history: [{ role: 'user', content: 'hi' }],
      budgetTokens: 4000,
    });
    // The reply's tools as jobs/agent-reply.ts builds them (no tool is called: the model answers
    // with text, so the database and the triggers are never used).
    const triggers = { enqueueReply: async () => {}, agentsChanged: () => {}, handoffDepth: 3 };
    const toolsFor = (id: string): StructuredToolInterface[] => {
      const routing = replyRouting(
        { commands: db.db, triggers },
        { id, board_id: id, agent_id: null, handoff_depth: 0 },
        () => undefined,
      );
      return [
        ...boardTools({ db: db.db, taskId: id, boardId: id, agentId: null, agents: routing.agents }),
        ...routing.tools,
      ];
    };
    const tools = toolsFor(randomUUID());

    const textOf = (chunk: unknown) =>
      AIMessageChunk.isInstance(chunk) && typeof chunk.content === 'string' ? chunk.content : '';
    /** Times a stream of LangChain chunks (a chunk or a [chunk, metadata] pair). */
    const timed = async (start: () => Promise<AsyncIterable<unknown>>): Promise<Timing> => {
      const t0 = performance.now();
      let first = NaN;
      for await (const item of await start()) {
        if (!Number.isNaN(first)) continue; // the rest is read, not looked at
        if (textOf(Array.isArray(item) ? item[0] : item)) first = performance.now() - t0;
      }
      return { first, end: performance.now() - t0 };
    };

    const body = JSON.stringify({
      model: ref.model,
      messages: messages.map((m) => ({
        role: m.getType() === 'system' ? 'system' : 'user',
        content: m.content,
      })),
      stream: true,
      stream_options: { include_usage: true },
    });
    const bare = async (): Promise<Timing> => {
      const t0 = performance.now();
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
        body,
        signal: new AbortController().signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      let first = NaN;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const event = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
          const data = JSON.parse(event.slice(6)) as { choices: { delta?: { content?: string } }[] };
          if (Number.isNaN(first) && data.choices[0]?.delta?.content) first = performance.now() - t0;
        }
      }
      return { first, end: performance.now() - t0 };
    };

    const agent0 = createAgent({ model, tools: [] });
    const agent = createAgent({ model, tools });
    const agentPg = createAgent({ model, tools, checkpointer });
    const graphStream = (
      a: typeof agent,
      durability?: 'sync' | 'async' | 'exit',
      extra: { callbacks?: [] } = {},
    ) =>
      timed(() =>
        a.graph.stream(
          { messages },
          {
            streamMode: 'messages',
            signal: new AbortController().signal,
            ...(durability ? { durability, configurable: { thread_id: randomUUID() } } : {}),
            ...extra,
          },
        ),
      );
    const noBudget = { beforeModelCall: async () => {} } as unknown as Parameters<typeof budgetMiddleware>[0];
    const reply = async (): Promise<Timing> => {
      const t0 = performance.now();
      const id = randomUUID();
      let rounds = 0;
      let first = NaN;
      const a = createReplyAgent({
        checkpointer,
        maxRounds: 5,
        outer: [budgetMiddleware(noBudget)],
        tools: toolsFor(id),
        approvals: [],
        hooks: {
          model: () => createChatModel(config, ref),
          started: () => undefined,
          ended: () => void rounds++,
          rounds: () => rounds,
        },
      });
      await streamAttempt(a, { messages }, new IdleWatchdog(60_000, () => undefined), new AbortController(), {
        threadId: id,
        onToken: () => {
          if (Number.isNaN(first)) first = performance.now() - t0;
        },
      });
      return { first, end: performance.now() - t0 };
    };

    const rungs: Rung[] = [
      { name: 'bare', label: 'bare fetch + SSE parse', op: bare },
      { name: 'chat', label: 'ChatOpenAI.stream', op: () => timed(() => model.stream(messages)) },
      { name: 'agent0', label: 'createAgent, no tools', op: () => graphStream(agent0) },
      { name: 'agent', label: 'createAgent, 7 tools', op: () => graphStream(agent) },
      {
        name: 'agent+pg',
        label: "createAgent + PG saver, 'sync'",
        pg: true,
        op: () => graphStream(agentPg, 'sync'),
      },
      {
        name: 'async',
        label: "createAgent + PG saver, 'async'",
        pg: true,
        op: () => graphStream(agentPg, 'async'),
      },
      { name: 'reply', label: 'createReplyAgent per call + streamAttempt', pg: true, op: reply },
    ];
    // BENCH_LC_VARIANTS=1: the public options tried, each beside the rung it varies.
    if (process.env.BENCH_LC_VARIANTS) {
      let rounds = 0;
      const once = createReplyAgent({
        checkpointer,
        maxRounds: 1_000_000,
        outer: [budgetMiddleware(noBudget)],
        tools,
        approvals: [],
        hooks: {
          model: () => model,
          started: () => undefined,
          ended: () => void rounds++,
          rounds: () => rounds,
        },
      });
      const replyOnce = async (): Promise<Timing> => {
        const t0 = performance.now();
        let first = NaN;
        const watchdog = new IdleWatchdog(60_000, () => undefined);
        await streamAttempt(once, { messages }, watchdog, new AbortController(), {
          threadId: randomUUID(),
          onToken: () => {
            if (Number.isNaN(first)) first = performance.now() - t0;
          },
        });
        return { first, end: performance.now() - t0 };
      };
      rungs.push(
        {
          name: 'v:agent-cb[]',
          label: 'agent, callbacks: []',
          op: () => graphStream(agent, undefined, { callbacks: [] }),
        },
        {
          name: 'v:agent-cbwait',
          label: 'agent, LANGCHAIN_CALLBACKS_BACKGROUND=false',
          env: { LANGCHAIN_CALLBACKS_BACKGROUND: 'false' },
          op: () => graphStream(agent),
        },
        {
          name: 'v:pg-exit',
          label: "agent+pg with durability 'exit' (not safe for us: no resume point mid-run)",
          pg: true,
          op: () => graphStream(agentPg, 'exit'),
        },
        {
          name: 'v:reply-once',
          label: 'createReplyAgent built once, streamAttempt per call',
          pg: true,
          op: replyOnce,
        },
      );
    }

    const backend = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = process.platform === 'linux' ? postmasterOf(backend.rows[0]!.pid) : undefined;
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const tallies: Record<number, Record<string, Tally>> = {};
    for (const c of [1, 20]) {
      const per = Math.max(3 * c, Math.round(ROUNDS / SLICES));
      for (const r of rungs) {
        Object.assign(process.env, r.env);
        await load(Math.max(20, per), c, r.op); // warm-up
        for (const k of Object.keys(r.env ?? {})) delete process.env[k];
      }
      const t: Record<string, Tally> = {};
      for (const r of rungs) t[r.name] = { first: [], end: [], nodeMs: 0, pgMs: 0, calls: 0 };
      for (let s = 0; s < SLICES; s++)
        for (const r of rungs) {
          // Postgres is read first and last, so reading /proc is not counted as the rung's CPU.
          const pg0 = postmaster && r.pg ? serverTicks(postmaster) : undefined;
          Object.assign(process.env, r.env);
          const cpu0 = process.cpuUsage();
          const out = await load(per, c, r.op);
          const cpu = process.cpuUsage(cpu0);
          for (const k of Object.keys(r.env ?? {})) delete process.env[k];
          const x = t[r.name]!;
          if (pg0) {
            const pg1 = serverTicks(postmaster!);
            for (const [pid, ticks] of pg1) pg1.set(pid, ticks - (pg0.get(pid) ?? 0));
            x.pgMs += ticksMs(pg1);
          }
          x.nodeMs += (cpu.user + cpu.system) / 1000;
          x.calls += out.length;
          for (const o of out) {
            x.first.push(o.first);
            x.end.push(o.end);
          }
        }
      for (const x of Object.values(t)) {
        x.first.sort((a, b) => a - b);
        x.end.sort((a, b) => a - b);
      }
      tallies[c] = t;
    }

    const floor = (c: number) => tallies[c]!['bare']!;
    for (const c of [1, 20]) {
      const f = floor(c);
      const fCpu = f.nodeMs / f.calls;
      for (const r of rungs) {
        const x = tallies[c]![r.name]!;
        const base = (value: number) => ({ value: round(value), label: 'bare fetch' });
        const at = `${r.name} @${c}`;
        if (r.name !== 'bare') {
          rows.push(
            row(
              `${at}: first token p50`,
              round(percentile(x.first, 50)),
              'ms',
              'lower',
              base(percentile(f.first, 50)),
            ),
            row(
              `${at}: first token p99`,
              round(percentile(x.first, 99)),
              'ms',
              'lower',
              base(percentile(f.first, 99)),
            ),
            row(`${at}: end p50`, round(percentile(x.end, 50)), 'ms', 'lower', base(percentile(f.end, 50))),
            row(`${at}: Node CPU per call`, round(x.nodeMs / x.calls), 'ms', 'lower', base(fCpu)),
          );
        } else {
          rows.push(
            row(`${at}: first token p50`, round(percentile(x.first, 50)), 'ms', 'lower'),
            row(`${at}: first token p99`, round(percentile(x.first, 99)), 'ms', 'lower'),
            row(`${at}: end p50`, round(percentile(x.end, 50)), 'ms', 'lower'),
            row(`${at}: Node CPU per call`, round(fCpu), 'ms', 'lower'),
          );
        }
        if (r.pg) rows.push(row(`${at}: Postgres CPU per call`, round(x.pgMs / x.calls), 'ms', 'lower'));
      }
      notes.push(
        `${c} in flight: ${f.calls} calls per rung in ${SLICES} interleaved slices; rungs: ${rungs.map((r) => `${r.name} = ${r.label}`).join('; ')}`,
      );
    }

    if (process.env.BENCH_CPU_PROFILE)
      for (const name of ['agent', 'agent+pg', 'reply']) {
        const r = rungs.find((x) => x.name === name)!;
        const cpu0 = process.cpuUsage();
        await profiled(`langchain-floor-${name.replace('+', '-')}`, () => load(ROUNDS, 1, r.op));
        const cpu = process.cpuUsage(cpu0);
        notes.push(
          `profiled ${name}: ${ROUNDS} calls at 1 in flight, Node CPU ${round((cpu.user + cpu.system) / 1000 / ROUNDS)} ms per call under the profiler`,
        );
      }

    fake.send({ type: 'count' });
    const { requests } = await fake.next<Extract<FakeChildMessage, { type: 'count' }>>('count');
    return {
      name: 'langchain-floor',
      title: "LangChain's floor: each layer of a reply against the fake model, beside a bare fetch",
      params: { rounds: ROUNDS, slices: SLICES, database: database.kind, node: process.version },
      rows,
      notes: [
        ...notes,
        `fake model (its own process): two tokens and usage per answer; ${requests} requests in all`,
        'CPU: this process only (the fake model is a child); Postgres: the bench database server, all its processes, over the slices of the checkpointing rungs.',
      ],
    };
  } finally {
    await fake.stop();
    await pipePool.end();
    await plainPool.end();
    await db.close();
    await database.close();
  }
}
