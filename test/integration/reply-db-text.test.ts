import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';

// Model output is user-influenced input to Postgres too: a NUL in it (which a text column
// refuses) must not leave the reply stuck in `streaming`, and no database text reaches the row.

let fake: FakeLlm;
let t: AgentApp;
beforeAll(async () => {
  fake = await startFakeLlm();
  t = await startAgentApp({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('a reply whose model output Postgres cannot store as sent', () => {
  it('completes with NUL replaced by U+FFFD', async () => {
    fake.enqueue({ text: ['null\u0000byte ', 'here'] });
    const { taskId } = await createTask(t.http);
    const posted = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'Say it' });
    expect(posted.status).toBe(201);
    const reply = await waitForReply(t.db, posted.body.data.assistant.id);
    expect(reply.status).toBe('completed');
    expect(reply.content).toBe('null\uFFFDbyte here');
    expect(reply.error).toBeNull();
  });
});
