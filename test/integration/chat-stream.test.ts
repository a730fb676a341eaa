import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import type { MessageDelta } from '@kanban/shared';
import type { FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  subscribe,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { withFixtures } from '../support/fixtures';
import { prng, testSeed, tokenGate, within } from '../support/gate';

// T1–T5 and T7 of the seed plan: a message is saved, its reply streams to the task's room
// through pg-boss and the real ChatOpenAI client, and ends as a completed row with usage.

const it = withFixtures({ agentEnv: { LLM_MODEL: 'fake-model' } });
let fake: FakeLlm;
let t: AgentApp;
const sockets: ClientSocket[] = [];
it.beforeAll(async ({ agentApp, fakeLlm }) => {
  fake = fakeLlm;
  t = agentApp;
  // Record every agent status a task goes through (a trigger, so no transition is missed).
  await t.db.pool.query(`
    CREATE TABLE status_log (id serial, task_id uuid, status text);
    CREATE FUNCTION log_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO status_log (task_id, status) VALUES (NEW.id, NEW.agent_status); RETURN NULL; END $$;
    CREATE TRIGGER tasks_status_log AFTER UPDATE OF agent_status ON tasks
      FOR EACH ROW WHEN (OLD.agent_status IS DISTINCT FROM NEW.agent_status) EXECUTE FUNCTION log_status();`);
});
it.afterAll(() => {
  for (const s of sockets) s.disconnect();
});

async function watcher(taskId: string) {
  const s = await connectSocket(t.url);
  sockets.push(s);
  const deltas: MessageDelta[] = [];
  s.on('message.delta', (d) => deltas.push(d));
  expect(await subscribe(s, taskId)).toEqual({ ok: true });
  return { s, deltas };
}

describe('chat: one message and its streamed reply', () => {
  it('saves the message, streams the reply token by token to two clients, and saves it with usage', async () => {
    const { taskId } = await createTask(t.http);
    const a = await watcher(taskId);
    const b = await watcher(taskId);
    const tokens = ['The ', 'launch ', 'plan ', 'has ', 'three ', 'phases.'];
    fake.enqueue({ text: tokens, paceMs: 15, usage: { prompt_tokens: 42, completion_tokens: 6 } });

    const id = randomUUID();
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { id, content: 'What is the plan?' });
    // T1: the user message is saved, with the queued reply, in the transaction whose txid we got.
    expect(res.status).toBe(201);
    expect(res.body.data.user).toMatchObject({
      id,
      role: 'user',
      content: 'What is the plan?',
      status: 'completed',
    });
    expect(res.body.data.assistant).toMatchObject({
      role: 'assistant',
      status: 'queued',
      parent_id: id,
      content: '',
    });
    const { rows } = await t.db.pool.query('SELECT xmin::text AS xmin FROM messages WHERE id = $1', [id]);
    expect(res.body.txid).toBe(Number(rows[0].xmin));
    const replyId = res.body.data.assistant.id as string;

    // T3: the completed message is saved with usage, model and timings.
    const done = await waitForReply(t.db, replyId);
    expect(done).toMatchObject({
      status: 'completed',
      content: tokens.join(''),
      model: 'openai:fake-model',
      error: null,
    });
    expect(done.usage).toMatchObject({ input_tokens: 42, output_tokens: 6 });
    expect(done.started_at <= done.first_token_at && done.first_token_at <= done.finished_at).toBe(true);

    // T2 + T7: both clients got the same deltas, in order, that rebuild exactly the final text.
    await expect.poll(() => a.deltas.map((d) => d.text).join('')).toBe(tokens.join(''));
    await expect.poll(() => b.deltas.map((d) => d.text).join('')).toBe(tokens.join(''));
    expect(b.deltas).toEqual(a.deltas);
    expect(a.deltas.length).toBeGreaterThan(1); // streamed, not one final blob
    let offset = 0;
    for (const d of a.deltas) {
      expect(d).toMatchObject({ taskId, messageId: replyId, offset });
      offset += d.text.length;
    }

    // The prompt reached the provider with the task and the message.
    const req = fake.requests.at(-1)!.body;
    expect(req.model).toBe('fake-model');
    expect(req.stream).toBe(true);
    expect(req.messages[0].content).toContain('Write the launch plan');
    expect(req.messages.at(-1)).toMatchObject({ role: 'user', content: 'What is the plan?' });

    // One agent_runs row for the call.
    const runs = await t.db.pool.query('SELECT * FROM agent_runs WHERE message_id = $1', [replyId]);
    expect(runs.rows).toHaveLength(1);
    expect(runs.rows[0]).toMatchObject({
      provider: 'openai',
      model: 'fake-model',
      attempt: 1,
      tokens_in: 42,
      tokens_out: 6,
      error_class: null,
    });
    expect(runs.rows[0].first_token_at).not.toBeNull();

    // T5: the task's agent status went queued → thinking → streaming → idle.
    const log = await t.db.pool.query('SELECT status FROM status_log WHERE task_id = $1 ORDER BY id', [
      taskId,
    ]);
    expect(log.rows.map((r) => r.status)).toEqual(['queued', 'thinking', 'streaming', 'idle']);

    // A retried POST with the same id is a replay: same rows, same txid, no second job.
    const again = await t.http.post(`/api/tasks/${taskId}/messages`, { id, content: 'What is the plan?' });
    expect(again.status).toBe(201);
    expect(again.body.txid).toBe(res.body.txid);
    expect(again.body.data.assistant.id).toBe(replyId);
    const count = await t.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE task_id = $1', [
      taskId,
    ]);
    expect(count.rows[0].n).toBe(2);
  });

  it('loads the history on join (T4), newest page first, with a cursor for older pages', async () => {
    const { taskId } = await createTask(t.http);
    let lastReply = '';
    for (const q of ['one', 'two', 'three']) {
      fake.enqueue({ text: `answer ${q}` });
      const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: q });
      lastReply = res.body.data.assistant.id;
    }
    await waitForReply(t.db, lastReply);
    const page1 = await t.http.get(`/api/tasks/${taskId}/messages?limit=4`);
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((m: { content: string }) => m.content)).toEqual([
      'two',
      'answer two',
      'three',
      'answer three',
    ]);
    expect(page1.body.nextBefore).toBe(page1.body.data[0].seq);
    const page2 = await t.http.get(`/api/tasks/${taskId}/messages?limit=4&before=${page1.body.nextBefore}`);
    expect(page2.body.data.map((m: { content: string }) => m.content)).toEqual(['one', 'answer one']);
    expect(page2.body.nextBefore).toBeNull();
    // The provider saw the earlier turns as history.
    const last = fake.requests.at(-1)!.body.messages.map((m: { content: string }) => m.content);
    expect(last.slice(1)).toEqual(['one', 'answer one', 'two', 'answer two', 'three']);
  });

  // The join moments are chosen by a seeded PRNG (TEST_SEED replays another) and made real by
  // holding the model's stream at those tokens: each late client joins at a known point.
  const seed = testSeed(8168);
  it(`answers many clients the same: late joiners rebuild the exact text from the row and deltas (seed ${seed})`, async () => {
    const { taskId } = await createTask(t.http);
    const words = Array.from({ length: 60 }, (_, i) => `w${i} `);
    const prefix = (k: number) => words.slice(0, k).join('');
    const random = prng(seed);
    const joinAt = [...new Set(Array.from({ length: 6 }, () => 3 + Math.floor(random() * 54)))].sort(
      (x, y) => x - y,
    );
    const gate = tokenGate();
    const holds = joinAt.map((k) => ({ k, hold: gate.holdAt(k) }));
    const early = await watcher(taskId);
    const seen = new DeltaMerger();
    early.s.on('message.delta', (d) => seen.apply(d));
    const requested = fake.requests.length;
    fake.enqueue({ text: words, beforeToken: (i) => gate.beforeToken(i) });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'long answer please' });
    const replyId = res.body.data.assistant.id as string;
    await fake.waitForRequests(requested + 1); // this reply's model call has started
    const late: { k: number; merger: DeltaMerger; rowAtJoin: string }[] = [];
    try {
      for (const { k, hold } of holds) {
        await within(hold.reached, 10_000, `the stream to reach token ${k}`);
        // Every token sent so far has reached a watcher: the join happens right after delta k.
        await within(
          seen.whenText(replyId, (x) => x === prefix(k)),
          10_000,
          `delta ${k} on a watcher`,
        );
        // Join as a client does: subscribe first, then read the row, so nothing falls between.
        const merger = new DeltaMerger();
        const s = await connectSocket(t.url);
        sockets.push(s);
        s.on('message.delta', (d) => merger.apply(d));
        expect(await subscribe(s, taskId)).toEqual({ ok: true });
        const hist = await t.http.get(`/api/tasks/${taskId}/messages`);
        const rowAtJoin = hist.body.data.find((m: { id: string }) => m.id === replyId).content as string;
        merger.seed(replyId, rowAtJoin);
        late.push({ k, merger, rowAtJoin });
        hold.release();
      }
    } finally {
      gate.releaseAll();
    }
    const done = await waitForReply(t.db, replyId);
    expect(done.content).toBe(words.join(''));
    expect(late.length).toBeGreaterThan(1);
    for (const { k, merger, rowAtJoin } of late) {
      await within(
        merger.whenText(replyId, (x) => x === done.content),
        10_000,
        `late client ${k}`,
      );
      expect(merger.waiting(replyId)).toBe(0);
      // The row was never ahead of the stream, and the rest came as deltas sent after the join.
      expect(prefix(k).startsWith(rowAtJoin)).toBe(true);
      expect(merger.received.some((d) => d.offset >= prefix(k).length)).toBe(true);
    }
  });
});
