import { describe, expect } from 'vitest';
import type { FakeLlm, Script } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  subscribe,
  waitFor,
  waitForReply,
  type AgentApp,
} from '../support/agent-app';
import { withFixtures } from '../support/fixtures';
import { tokenGate, within } from '../support/gate';

// Provider faults end every reply in a visible terminal state: transient errors before the
// first token are retried (then fall back to the next model), the rest fail with a readable
// error; partial text is kept. Cancel reaches the provider's HTTP connection.

const it = withFixtures({
  agentEnv: { LLM_MODEL: 'primary', LLM_FALLBACKS: 'openai:backup', LLM_MAX_ATTEMPTS: '2' },
});
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});
it.beforeEach(() => fake.setDefault({ text: 'fine answer' }));

async function ask(scripts: Script[], content = 'hello') {
  const { taskId } = await createTask(t.http);
  fake.enqueue(...scripts);
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
  expect(res.status).toBe(201);
  const id = res.body.data.assistant.id as string;
  return { taskId, id, userId: res.body.data.user.id as string };
}

const runs = async (id: string) =>
  (await t.db.pool.query('SELECT * FROM agent_runs WHERE message_id = $1 ORDER BY attempt', [id])).rows;

describe('provider faults before the first token are retried', () => {
  it.each<[string, Script, string]>([
    ['500', { status: 500 }, 'transient'],
    ['429 with Retry-After', { status: 429, retryAfter: 0 }, 'rate_limited'],
    ['connection reset', { resetAfter: 0 }, 'transient'],
    ['malformed chunk', { malformedAfter: 0 }, 'invalid_response'],
    ['hang', { hangAfter: 0 }, 'timeout'],
  ])('%s → retried → completed', async (_name, fault, errorClass) => {
    const { id } = await ask([fault, { text: 'recovered answer' }]);
    const done = await waitForReply(t.db, id);
    expect(done).toMatchObject({ status: 'completed', content: 'recovered answer', error: null });
    const r = await runs(id);
    expect(r.map((x) => [x.attempt, x.error_class])).toEqual([
      [1, errorClass],
      [2, null],
    ]);
  });

  it('falls back to the next model when the first keeps failing', async () => {
    const { id } = await ask([{ status: 503 }, { status: 503 }, { text: 'from the backup' }]);
    const done = await waitForReply(t.db, id);
    expect(done).toMatchObject({ status: 'completed', content: 'from the backup', model: 'openai:backup' });
    expect((await runs(id)).map((x) => x.model)).toEqual(['primary', 'primary', 'backup']);
    expect(fake.requests.at(-1)!.body.model).toBe('backup');
  });

  it('T6: fails visibly after the retries, with a readable error, and can be retried', async () => {
    fake.setDefault({ status: 429, retryAfter: 0 });
    const { id, taskId } = await ask([]);
    const failed = await waitForReply(t.db, id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/rate limiting \(429\).*gave up after 4 attempts/);
    const task = await t.http.get(`/api/tasks/${taskId}`);
    expect(task.body.data).toMatchObject({ agent_status: 'error' });
    expect(task.body.data.agent_status_message).toMatch(/rate limiting/);

    fake.setDefault({ text: 'second time lucky' });
    const retry = await t.http.post(`/api/messages/${id}/retry`);
    expect(retry.status).toBe(201);
    expect(retry.body.data).toMatchObject({ status: 'queued', parent_id: failed.parent_id });
    expect(typeof retry.body.txid).toBe('number');
    const done = await waitForReply(t.db, retry.body.data.id);
    expect(done).toMatchObject({ status: 'completed', content: 'second time lucky' });
    expect((await t.http.get(`/api/tasks/${taskId}`)).body.data.agent_status).toBe('idle');
    // The failed reply stays in the history; retrying it again is allowed, a completed one is not.
    expect((await t.http.post(`/api/messages/${done.id}/retry`)).status).toBe(409);
  });

  it('does not retry a non-transient error (401): fails at once with what to fix', async () => {
    const { id } = await ask([{ status: 401 }, { status: 401 }]);
    const failed = await waitForReply(t.db, id);
    expect(failed.error).toMatch(/check the API key/);
    expect((await runs(id)).map((x) => x.error_class)).toEqual(['auth', 'auth']); // primary, backup
  });
});

describe('faults after the first token end the reply failed, partial text kept', () => {
  it.each<[string, Script]>([
    ['reset mid-stream', { text: 'one two three four', resetAfter: 2 }],
    ['hang mid-stream', { text: 'one two three four', hangAfter: 2 }],
    ['malformed mid-stream', { text: 'one two three four', malformedAfter: 2 }],
  ])('%s', async (_name, fault) => {
    const { id } = await ask([fault]);
    const done = await waitForReply(t.db, id);
    expect([done.status, done.content, done.error]).toEqual(['failed', 'one two ', expect.any(String)]);
    expect(done.error).toMatch(/partial|kept/);
    expect(await runs(id)).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('mid-stream: closes the provider connection, keeps the text streamed so far', async () => {
    const { taskId } = await createTask(t.http);
    const s = await connectSocket(t.url);
    const seen = new DeltaMerger();
    s.on('message.delta', (d) => seen.apply(d));
    await subscribe(s, taskId);
    // The stream is held after three tokens: the cancel lands at a known point, mid-stream.
    const words = Array.from({ length: 200 }, (_, i) => `t${i} `);
    const gate = tokenGate();
    const hold = gate.holdAt(3);
    fake.enqueue({ text: words, beforeToken: (i) => gate.beforeToken(i) });
    const before = fake.requests.length;
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'talk for a while' });
    const id = res.body.data.assistant.id as string;
    try {
      await within(hold.reached, 10_000, 'three tokens sent');
      await within(
        seen.whenText(id, (x) => x === 't0 t1 t2 '),
        10_000,
        'three tokens shown',
      );
      const cancel = await t.http.post(`/api/messages/${id}/cancel`);
      expect(cancel.status).toBe(200);
      expect(cancel.body.data.cancel_requested_at).not.toBeNull();
      // The abort reaches the provider's HTTP connection: it closes while the model still holds.
      const req = fake.requests[before]!;
      await within(req.closed, 10_000, 'the provider connection to close');
      expect(req).toMatchObject({ disconnected: true, ended: false, tokensSent: 3 });
    } finally {
      gate.releaseAll();
    }
    const done = await waitForReply(t.db, id);
    expect(done.status).toBe('cancelled');
    expect(done.content).toBe('t0 t1 t2 '); // everything viewers saw is kept
    expect((await runs(id)).map((r) => r.error_class)).toEqual(['cancelled']);

    // Cancelling again is a no-op: 200 with the same reply, the row untouched, no new run.
    const row = async () => (await t.db.pool.query('SELECT * FROM messages WHERE id = $1', [id])).rows[0];
    const stored = await row();
    const again = await t.http.post(`/api/messages/${id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ id, status: 'cancelled', content: 't0 t1 t2 ' });
    expect(await row()).toEqual(stored);
    expect(await runs(id)).toHaveLength(1);

    // A completed reply cannot be cancelled: 409, and it stays completed.
    fake.enqueue({ text: 'all done' });
    const next = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'and now?' });
    const completed = await waitForReply(t.db, next.body.data.assistant.id);
    expect(completed.status).toBe('completed');
    const refused = await t.http.post(`/api/messages/${completed.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const after = await t.db.pool.query('SELECT status, cancel_requested_at FROM messages WHERE id = $1', [
      completed.id,
    ]);
    expect(after.rows[0]).toEqual({ status: 'completed', cancel_requested_at: null });
    s.disconnect();
  });

  it('a queued reply is cancelled at once and never reaches the provider', async () => {
    const { taskId } = await createTask(t.http);
    fake.enqueue({ text: 'slow first answer', paceMs: 100 });
    const before = fake.requests.length;
    const first = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'first' });
    const second = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'second' });
    const c = await t.http.post(`/api/messages/${second.body.data.assistant.id}/cancel`);
    expect(c.body.data.status).toBe('cancelled');
    const done = await waitForReply(t.db, first.body.data.assistant.id);
    expect(done.status).toBe('completed');
    // Let the queue settle: the cancelled job completes without a model call.
    await waitFor(async () => {
      const { rows } = await t.db.pool.query(`SELECT state FROM pgboss.job WHERE id = $1`, [
        second.body.data.assistant.id,
      ]);
      return rows[0]?.state === 'completed';
    });
    expect(fake.requests.length).toBe(before + 1); // only the first reply called the model
    expect((await t.http.post(`/api/messages/${done.id}/cancel`)).status).toBe(409);
    expect((await t.http.get(`/api/tasks/${taskId}`)).body.data.agent_status).toBe('idle');
  });
});
