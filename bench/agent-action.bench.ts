import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isChangeMessage, ShapeStream, type Row } from '@electric-sql/client';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { startAgentRuntime } from '../server/src/jobs/agent-runtime';
import { createSync } from '../server/src/sync';
import { silentLogs } from '../server/src/logger';
import { AUTH_TEST_ENV, defaultHeaders, signUpDefault } from '../test/support/auth';
import { startFakeLlm } from '../test/support/fake-llm';
import { benchDatabase } from './lib/database';
import { closeHttpClients, postJson } from './lib/http';
import { percentile } from './lib/measure';
import { row, type BenchReport } from './lib/report';

// Issue 10's bench: a chat message → the agent's first board change, as a SECOND client sees it
// through the official Electric client (ShapeStream on the board's tasks shape), beside the same
// change made through REST, in the same run and interleaved (agent, REST, REST, agent, …) so a
// machine busy with something else slows both sides alike.
//
// The agent's side: POST /api/tasks/:id/messages → pg-boss job → createAgent → ChatOpenAI over
// HTTP to the instant fake model, which answers with one move_task call → the tool runs the move
// command → commit → logical replication → the shape server → the watching ShapeStream. The REST
// side: POST /api/tasks/:id/move (the same command) → the same way to the same ShapeStream.
// Each round waits for the reply to end (the model's second call, after the tool result) before
// the next starts, so rounds do not overlap.

const N = Number(process.env.BENCH_N ?? 50);
const WARMUP = 5;
const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted']);

type TaskRow = Row & { id: string; column_id?: string; title?: string };
type MessageRow = Row & { id: string; status?: string };
type ToolCallRow = Row & { id: string; task_id?: string; name?: string };

/** A ShapeStream whose change messages resolve waiters keyed by `key` of the row (default: id). */
function watch<T extends Row & { id: string }>(
  url: string,
  board: string,
  base: string,
  key: (row: Partial<T>) => unknown = (row) => row.id,
) {
  const controller = new AbortController();
  const stream = new ShapeStream<T>({
    url,
    params: { board },
    signal: controller.signal,
    warnOnHttp: false,
    // the signed-in user's cookie (test/support/auth.ts registered it for this server)
    headers: defaultHeaders(base),
  });
  const waiters = new Map<string, { check: (row: Partial<T>) => boolean; resolve: (at: number) => void }>();
  let failure: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    stream.subscribe(
      (batch) => {
        const at = performance.now();
        for (const m of batch) {
          if (!isChangeMessage(m)) continue;
          const k = String(key(m.value));
          const w = waiters.get(k);
          if (w?.check(m.value)) {
            waiters.delete(k);
            w.resolve(at);
          }
        }
        if (stream.isUpToDate) resolve();
      },
      (err) => {
        failure = err;
        reject(err);
      },
    );
  });
  return {
    ready,
    /** Resolves with the monotonic time of the first change of row `id` that passes `check`. */
    until(id: string, check: (row: Partial<T>) => boolean, timeoutMs = 20_000) {
      if (failure) return Promise.reject(failure);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          reject(new Error(`no change of ${id} within ${timeoutMs} ms through ${url}`));
        }, timeoutMs);
        waiters.set(id, {
          check,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      });
    },
    stop() {
      controller.abort();
      stream.unsubscribeAll();
    },
  };
}

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const fake = await startFakeLlm();
  const logs = silentLogs();
  const config = loadConfig({
    ...AUTH_TEST_ENV,
    DATABASE_URL: database.url,
    PORT: '0',
    SEED_DEMO: 'false',
    DB_POOL_MAX: '20',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.baseUrl,
  });
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const agent = await startAgentRuntime({ config, logs, db });
  // The web role as main.ts builds it: live sync (the built-in shape server) and the agent runtime.
  const sync = createSync({ config, logs, db });
  await sync.start();
  const app = createApp({ config, logs, db, agent, sync });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // A signed-in user, as the app runs (accounts on): postJson and the ShapeStreams send its cookie.
  await signUpDefault(base);

  // The instant model: one move_task call, then (with the tool's result) a one-word answer.
  fake.setDefault((body: { messages?: { role: string }[] }) =>
    body.messages?.some((m) => m.role === 'tool')
      ? { text: 'Moved.', usage: { prompt_tokens: 5, completion_tokens: 1 } }
      : { toolCalls: [{ name: 'move_task', args: { column: 'Right' } }] },
  );

  const watchers: { stop(): void }[] = [];
  try {
    const board = (await postJson(`${base}/api/boards`, { name: 'Bench', columns: ['Left', 'Right'] }))
      .data as { id: string; columns: { id: string }[] };
    const [left, right] = board.columns.map((c) => c.id) as [string, string];
    const total = WARMUP + N;
    const newTask = async (title: string) =>
      (await postJson(`${base}/api/boards/${board.id}/tasks`, { columnId: left, title })).data.id as string;
    const agentTasks: string[] = [];
    const restTasks: string[] = [];
    for (let i = 0; i < total; i++) {
      agentTasks.push(await newTask(`agent ${i}`));
      restTasks.push(await newTask(`rest ${i}`));
    }

    // The second client: the board's tasks (the move) and messages (the reply's end).
    const tasks = watch<TaskRow>(`${base}/api/shapes/tasks`, board.id, base);
    const messages = watch<MessageRow>(`${base}/api/shapes/messages`, board.id, base);
    // …and the board's tool calls, keyed by task: when the model's move_task call became a row.
    const toolCalls = watch<ToolCallRow>(`${base}/api/shapes/tool_calls`, board.id, base, (r) => r.task_id);
    watchers.push(tasks, messages, toolCalls);
    await Promise.all([tasks.ready, messages.ready, toolCalls.ready]);
    const moved = (id: string) => tasks.until(id, (r) => r.column_id === right);

    const agentLat: number[] = [];
    const restLat: number[] = [];
    const postAck: number[] = [];
    const toModel: number[] = [];
    const toToolRow: number[] = [];
    const agentRound = async (i: number) => {
      const id = agentTasks[i]!;
      const seen = moved(id);
      const toolRow = toolCalls.until(id, (r) => r.name === 'move_task');
      const t0 = performance.now();
      const res = await postJson(`${base}/api/tasks/${id}/messages`, { content: 'move this to Right' });
      const acked = performance.now();
      const replyId = res.data.assistant.id as string;
      const ended = messages.until(replyId, (r) => TERMINAL.has(r.status as string));
      const at = await seen;
      const toolAt = await toolRow;
      await ended;
      if (i < WARMUP) return;
      agentLat.push(at - t0);
      toToolRow.push(toolAt - t0);
      postAck.push(acked - t0);
      // The model request that carried this task (its title is in the prompt), on the same clock.
      const req = fake.requests.find((r) => r.atMono >= t0 && JSON.stringify(r.body).includes(`agent ${i}`));
      if (req) toModel.push(req.atMono - t0);
    };
    const restRound = async (i: number) => {
      const id = restTasks[i]!;
      const seen = moved(id);
      const t0 = performance.now();
      await postJson(`${base}/api/tasks/${id}/move`, { columnId: right });
      const at = await seen;
      if (i >= WARMUP) restLat.push(at - t0);
    };
    for (let i = 0; i < total; i++) {
      if (i % 2) {
        await restRound(i);
        await agentRound(i);
      } else {
        await agentRound(i);
        await restRound(i);
      }
    }

    const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const a = sort(agentLat);
    const r = sort(restLat);
    const rest = (v: number) => ({ value: v, label: 'REST move → visible' });
    const med = (xs: number[]) => percentile(sort(xs), 50).toFixed(1);
    return {
      name: 'agent-action',
      title: "Agent's first board change, as a second client sees it, vs the same change through REST",
      params: { n: N, warmup: WARMUP, database: database.kind, node: process.version },
      rows: [
        row('POST message → move visible p50', percentile(a, 50), 'ms', 'lower', rest(percentile(r, 50))),
        row('POST message → move visible p99', percentile(a, 99), 'ms', 'lower', rest(percentile(r, 99))),
      ],
      notes: [
        `agent round, median ms: POST answered ${med(postAck)}, model request arrives ${med(toModel)}, tool_calls row visible ${med(toToolRow)}, move visible ${med(agentLat)}`,
        'Agent: POST /api/tasks/:id/messages → pg-boss job → createAgent + ChatOpenAI over HTTP to an instant fake model scripting one move_task → move command → commit → replication → shape server.',
        'REST: POST /api/tasks/:id/move (the same command), on another fresh task of the same board.',
        'Visible = the change message with the new column_id reaches a second client: the official ShapeStream (long-poll) on tasks?board=<id>, signed in with a session cookie.',
        'Rounds interleave (agent, REST, REST, agent, …), one at a time; each agent round waits for its reply to end (messages shape) before the next starts. App, fake model and client share this process.',
      ],
    };
  } finally {
    for (const w of watchers) w.stop();
    closeHttpClients();
    await app.close();
    await sync.stop();
    await agent.stop();
    await db.close();
    await fake.close();
    await database.close();
  }
}
