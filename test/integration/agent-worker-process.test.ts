import { describe, expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  FAST_AGENT_ENV,
  startAgentApp,
  subscribe,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { runsOf } from '../support/agent-worker-process';
import { withFixtures, type Workers } from '../support/fixtures';
import { tokenGate, within } from '../support/gate';
import { untilMessage } from '../support/row-events';

// Scale-out and crash: two web-only instances and a worker-only child process share one
// database. Deltas of a job the worker runs reach clients on either instance through
// @socket.io/postgres-adapter; a worker SIGKILLed mid-stream leaves no reply stuck.

// a is the fixtures' agentApp (web-only), b a second instance with its env. The tests hold the
// model mid-stream (a token gate) while they wait for what the clients and the database show; with
// FAST_AGENT_ENV's 1.5 s idle watchdog a loaded machine let it fire first, and the reply rightly
// ended `failed` ("the model sent nothing for 2 s") before the SIGKILL. No test here is about the
// watchdog, so it is out of the way (the workers get this env too).
const SLOW_IDLE = { LLM_IDLE_TIMEOUT_MS: '600000' };
const it = withFixtures({ agentEnv: { ROLES: 'web', ...SLOW_IDLE } });
let fake: FakeLlm;
let a: AgentApp;
let b: AgentApp;
let workers: Workers;
const sockets: ClientSocket[] = [];
/** Replies the web instances started (they must start none). */
const ranOnWeb: string[] = [];

it.beforeAll(async ({ agentApp, database, fakeLlm, workers: w }) => {
  fake = fakeLlm;
  a = agentApp;
  b = await startAgentApp(
    { ...FAST_AGENT_ENV, ...SLOW_IDLE, OPENAI_BASE_URL: fake.baseUrl, ROLES: 'web' },
    { database },
  );
  workers = w;
  for (const app of [a, b]) {
    const add = app.agent.runs.add.bind(app.agent.runs);
    app.agent.runs.add = (run) => (ranOnWeb.push(run.messageId), add(run));
  }
  await workers.start();
});
it.afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await b?.close();
});

/** A client on `app` watching `taskId`, merging deltas with the client's own module. */
async function watch(app: AgentApp, taskId: string) {
  const s = await connectSocket(app.url);
  sockets.push(s);
  const merger = new DeltaMerger();
  s.on('message.delta', (d) => merger.apply(d));
  expect(await subscribe(s, taskId)).toEqual({ ok: true });
  return merger;
}

describe('worker process', () => {
  it('a client on instance A receives the stream of a job the worker process runs (posted on B)', async () => {
    const { taskId } = await createTask(b.http);
    const onA = await watch(a, taskId);
    const onB = await watch(b, taskId);
    const words = Array.from({ length: 40 }, (_, i) => `tok${i} `);
    const gate = tokenGate();
    const hold = gate.holdAt(10);
    fake.enqueue({ text: words, beforeToken: (i) => gate.beforeToken(i) });
    const res = await b.http.post(`/api/tasks/${taskId}/messages`, { content: 'scale out' });
    const id = res.body.data.assistant.id as string;
    let late: DeltaMerger;
    try {
      // A late joiner on A, mid-stream (the model holds after 10 tokens, shown on A), is caught
      // up by the worker through the adapter too.
      await within(hold.reached, 10_000, 'ten tokens sent');
      await within(
        onA.whenText(id, (x) => x === words.slice(0, 10).join('')),
        10_000,
        'ten tokens on A',
      );
      late = await watch(a, taskId);
      await within(
        late.whenText(id, (x) => x === words.slice(0, 10).join('')),
        10_000,
        'the catch-up',
      );
    } finally {
      gate.releaseAll();
    }
    const done = await waitForReply(a.db, id);
    expect(done).toMatchObject({ status: 'completed', content: words.join('') });
    for (const [name, m] of [
      ['A', onA],
      ['B', onB],
      ['the late joiner', late],
    ] as const)
      await within(
        m.whenText(id, (x) => x === done.content),
        10_000,
        `the full stream on ${name}`,
      );
    // The worker process ran it (it says so over IPC), and neither web instance started it.
    expect(runsOf(workers.children[0]!)).toContain(id);
    expect(ranOnWeb).toEqual([]);
  });

  it('a worker SIGKILLed mid-stream: a replacement ends the reply interrupted, the user message intact', async () => {
    const { taskId } = await createTask(a.http);
    const seen = await watch(a, taskId);
    const words = Array.from({ length: 500 }, (_, i) => `slow${i} `);
    const gate = tokenGate();
    const hold = gate.holdAt(5);
    fake.enqueue({ text: words, beforeToken: (i) => gate.beforeToken(i) });
    const res = await a.http.post(`/api/tasks/${taskId}/messages`, { content: 'do not lose me' });
    const id = res.body.data.assistant.id as string;
    const shown = words.slice(0, 5).join('');
    try {
      await within(hold.reached, 10_000, 'the stream to start');
      await within(
        seen.whenText(id, (x) => x === shown),
        10_000,
        'five tokens shown',
      );
      // Kill after the checkpoint of what was shown, so there is partial text that must survive.
      await untilMessage(a.db.url, id, (m) => (m?.content === shown ? m : undefined), 10_000, 'a checkpoint');
      await workers.killNewest();
    } finally {
      gate.releaseAll();
    }
    // A replacement worker (as a supervisor would start); any live instance's monitor notices the
    // lost heartbeat, the retried job finds the reply half-streamed and ends it interrupted.
    await workers.start();
    // (How fast is a figure for the chaos bench, not a threshold here; 20 s only bounds the wait.)
    const done = await waitForReply(a.db, id, 20_000);
    expect(done.status).toBe('interrupted');
    expect(done.content).toBe(shown);
    const user = await a.db.pool.query('SELECT * FROM messages WHERE id = $1', [res.body.data.user.id]);
    expect(user.rows[0]).toMatchObject({ content: 'do not lose me', status: 'completed', role: 'user' });
    const task = await a.http.get(`/api/tasks/${taskId}`);
    expect(task.body.data.agent_status).toBe('error');
    // The task's queue is not blocked: the next message is answered.
    fake.enqueue({ text: 'back to normal' });
    const next = await a.http.post(`/api/tasks/${taskId}/messages`, { content: 'still there?' });
    const ok = await waitForReply(a.db, next.body.data.assistant.id);
    expect(ok).toMatchObject({ status: 'completed', content: 'back to normal' });
  });
});
