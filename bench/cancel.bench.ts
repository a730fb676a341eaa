import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { startAgentRuntime } from '../server/src/jobs/agent-runtime';
import { createLogs, silentLogs } from '../server/src/logger';
import { startFakeLlm } from '../test/support/fake-llm';
import { tokenGate } from '../test/support/gate';
import { benchDatabase } from './lib/database';
import { closeHttpClients, postJson } from './lib/http';
import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';
import { percentile } from './lib/measure';
import { row, type BenchReport } from './lib/report';

// Cancel mid-stream: from `POST /api/messages/:id/cancel` sent to the provider's HTTP connection
// closed (the fake model holds the stream after a few tokens, so the cancel always lands
// mid-stream), beside a same-run floor: another one-transaction POST to the same server (a task
// move), over the same HTTP client. Moved here from chat-faults.test.ts, where
// "< 1 s" was a threshold inside a test. Every other round the replying task is also moved to
// another board together with the cancel (that move used to deadlock with the reply's final
// write, 40P01); any non-2xx answer or unhandled rejection fails the bench.

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const fake = await startFakeLlm();
  const logs = process.env.BENCH_LOGS ? createLogs({ LOG_LEVEL: 'error', LOG_LEVELS: {} }) : silentLogs();
  const config = loadConfig({
    ...AUTH_TEST_ENV,
    DATABASE_URL: database.url,
    PORT: '0',
    SEED_DEMO: 'false',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.baseUrl,
    AGENT_CHECKPOINT_MS: '100',
  });
  const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX);
  const agent = await startAgentRuntime({ config, logs, db });
  const app = createApp({ config, logs, db, agent });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await signUpDefault(base); // postJson sends its cookie
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => void unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  const cancel: number[] = [];
  const floor: number[] = [];
  try {
    const board = (await postJson(`${base}/api/boards`, { name: 'Bench' })).data;
    const column = board.columns[0].id as string;
    // The floor moves a task with no reply, so it measures one plain transaction.
    const elsewhere = (await postJson(`${base}/api/boards`, { name: 'Elsewhere' })).data;
    const idle = (await postJson(`${base}/api/boards/${board.id}/tasks`, { columnId: column, title: 'idle' }))
      .data;
    for (let i = 0; i < ROUNDS; i++) {
      const task = (
        await postJson(`${base}/api/boards/${board.id}/tasks`, { columnId: column, title: `c${i}` })
      ).data;
      const gate = tokenGate();
      const hold = gate.holdAt(3);
      fake.enqueue({ text: 'one two three four five six', beforeToken: (k) => gate.beforeToken(k) });
      const before = fake.requests.length;
      const posted = (await postJson(`${base}/api/tasks/${task.id}/messages`, { content: 'go' })).data;
      await hold.reached;
      const req = fake.requests[before]!;
      const t0 = performance.now();
      const moveToo = i % 2 === 1;
      await Promise.all([
        postJson(`${base}/api/messages/${posted.assistant.id}/cancel`, {}),
        moveToo && postJson(`${base}/api/tasks/${task.id}/move`, { columnId: elsewhere.columns[0].id }),
      ]);
      await req.closed;
      cancel.push(performance.now() - t0);
      gate.releaseAll();
      const f0 = performance.now();
      await postJson(`${base}/api/tasks/${idle.id}/move`, { columnId: column });
      floor.push(performance.now() - f0);
    }
    if (unhandled.length)
      throw new Error(`${unhandled.length} unhandled rejections: ${String(unhandled[0])}`);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    closeHttpClients();
    await app.close();
    await agent.stop();
    await db.close();
    await fake.close();
    await database.close();
  }
  cancel.sort((a, b) => a - b);
  floor.sort((a, b) => a - b);
  return {
    name: 'cancel',
    title: 'Cancel mid-stream → provider connection closed',
    params: { rounds: ROUNDS, database: database.kind },
    rows: [50, 99].map((p) =>
      row(`cancel → provider closed, p${p}`, percentile(cancel, p), 'ms', 'lower', {
        value: percentile(floor, p),
        label: `task move POST, p${p}`,
      }),
    ),
  };
}
