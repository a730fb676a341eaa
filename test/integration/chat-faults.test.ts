import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDelta } from '@kanban/shared';
import { startFakeLlm, type FakeLlm, type Script } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  FAST_AGENT_ENV,
  startAgentApp,
  subscribe,
  waitFor,
  waitForReply,
  type AgentApp,
} from '../support/agent-app';

// Provider faults end every reply in a visible terminal state: transient errors before the
// first token are retried (then fall back to the next model), the rest fail with a readable
// error; partial text is kept. Cancel reaches the provider's HTTP connection.

let fake: FakeLlm;
let t: AgentApp;
beforeAll(async () => {
  fake = await startFakeLlm();
  t = await startAgentApp({
    ...FAST_AGENT_ENV,
    OPENAI_BASE_URL: fake.baseUrl,
    LLM_MODEL: 'primary',
    LLM_FALLBACKS: 'openai:backup',
    LLM_MAX_ATTEMPTS: '2',
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});
beforeEach(() => fake.setDefault({ text: 'fine answer' }));

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
  it('mid-stream: closes the provider connection within 1 s, keeps the partial text', async () => {
    const { taskId } = await createTask(t.http);
    const s = await connectSocket(t.url);
    const deltas: MessageDelta[] = [];
    s.on('message.delta', (d) => deltas.push(d));
    await subscribe(s, taskId);
    fake.enqueue({ text: Array.from({ length: 200 }, (_, i) => `t${i} `), paceMs: 20 });
    const before = fake.requests.length;
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'talk for a while' });
    const id = res.body.data.assistant.id as string;
    await waitFor(() => deltas.length >= 3, 5000, 'a few deltas');
    const at = Date.now();
    const cancel = await t.http.post(`/api/messages/${id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.cancel_requested_at).not.toBeNull();
    const req = fake.requests[before]!;
    await waitFor(() => req.disconnected, 1000, 'the provider connection to close');
    expect(req.disconnectedAt! - at).toBeLessThan(1000);
    const done = await waitForReply(t.db, id);
    expect(done.status).toBe('cancelled');
    expect(done.content.length).toBeGreaterThan(0);
    expect(done.content.startsWith('t0 t1 ')).toBe(true);
    expect(req.tokensSent).toBeLessThan(200);
    expect((await runs(id)).map((r) => r.error_class)).toEqual(['cancelled']);
    // Cancelling again is a no-op; a completed reply cannot be cancelled.
    expect((await t.http.post(`/api/messages/${id}/cancel`)).status).toBe(200);
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
