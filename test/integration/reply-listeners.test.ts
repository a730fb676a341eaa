import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';

// A chat must not leak AbortSignal listeners: each one added per retry, token or backoff sleep
// and never removed ends in Node's MaxListenersExceededWarning ("11 abort listeners") and keeps
// the closures alive for the reply's life.

let fake: FakeLlm;
let t: AgentApp;
const warnings: Error[] = [];
const onWarning = (w: Error) => void warnings.push(w);
beforeAll(async () => {
  process.on('warning', onWarning);
  fake = await startFakeLlm();
  t = await startAgentApp({
    ...FAST_AGENT_ENV,
    OPENAI_BASE_URL: fake.baseUrl,
    LLM_RETRY_BASE_MS: '0',
    LLM_RETRY_MAX_MS: '0',
    LLM_MAX_ATTEMPTS: '10',
    LLM_FALLBACKS: 'openai:second,openai:third',
  });
});
afterAll(async () => {
  process.off('warning', onWarning);
  await t?.close();
  await fake?.close();
});

it('emits no MaxListenersExceededWarning over many replies, retries and tokens', async () => {
  const { taskId } = await createTask(t.http);
  const N = 6;
  for (let i = 0; i < N; i++) {
    // 25 failed attempts across three models before the answer, then a long stream of tokens.
    fake.enqueue(...Array.from({ length: 25 }, () => ({ status: 503 })));
    fake.enqueue({ text: Array.from({ length: 300 }, (_, k) => `t${k} `) });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: `question ${i}` });
    expect(res.status).toBe(201);
    const done = await waitForReply(t.db, res.body.data.assistant.id as string, 30_000);
    expect(done.status).toBe('completed');
  }
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
});

it('emits no MaxListenersExceededWarning while the demo model streams (a sleep per token)', async () => {
  const demo = await startAgentApp({ ...FAST_AGENT_ENV, LLM_PROVIDER: 'demo', DEMO_TOKEN_MS: '1' });
  try {
    const { taskId } = await createTask(demo.http);
    for (let i = 0; i < 3; i++) {
      const res = await demo.http.post(`/api/tasks/${taskId}/messages`, { content: `question ${i}` });
      const done = await waitForReply(demo.db, res.body.data.assistant.id as string, 30_000);
      expect(done).toMatchObject({ status: 'completed', model: 'demo' });
    }
  } finally {
    await demo.close();
  }
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
});
