import { describe, expect } from 'vitest';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';

// Model output is user-influenced input to Postgres too: a NUL in it (which a text column
// refuses) must not leave the reply stuck in `streaming`, and no database text reaches the row.

// The fixtures' agentApp (on the fake model) serves every test.
const it = withFixtures();
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
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
