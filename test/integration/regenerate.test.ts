import { describe, expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import { createTask, waitForReply } from '../support/agent-app';
import { expectProblem } from '../support/rest';

// Regenerate: a new version of the newest reply, answering the same user message (same
// parent); the old version stays. Only the newest reply of the chat, once it has ended; retry
// likewise only for the newest reply (an old question is not answered again at the bottom).

const it = withFixtures();

describe('regenerate', () => {
  it('makes a new version of the newest reply and refuses older ones', async ({ agentApp, fakeLlm }) => {
    fakeLlm.setDefault({ text: 'first answer' });
    const http = agentApp.http;
    const { taskId } = await createTask(http);
    const one = (await http.post(`/api/tasks/${taskId}/messages`, { content: 'q1' })).body.data;
    await waitForReply(agentApp.db, one.assistant.id);
    const v2 = await http.post(`/api/messages/${one.assistant.id}/regenerate`);
    expect(v2.status).toBe(201);
    expect(v2.body.data).toMatchObject({ parent_id: one.user.id, status: 'queued', role: 'assistant' });
    await waitForReply(agentApp.db, v2.body.data.id);
    // the first version is no longer the newest: neither regenerate nor retry it
    expect(expectProblem(await http.post(`/api/messages/${one.assistant.id}/regenerate`), 409).detail).toBe(
      'only the newest reply can be regenerated (later messages build on this one)',
    );
    const two = (await http.post(`/api/tasks/${taskId}/messages`, { content: 'q2' })).body.data;
    await waitForReply(agentApp.db, two.assistant.id);
    expectProblem(await http.post(`/api/messages/${v2.body.data.id}/regenerate`), 409);
    expectProblem(await http.post(`/api/messages/${crypto.randomUUID()}/regenerate`), 404);
    expectProblem(await http.post(`/api/messages/${two.user.id}/regenerate`), 409);
    // the prompt of q2's reply held one version of q1's answer, not both
    const prompts = fakeLlm.requests.map((r) => JSON.stringify(r.body));
    const last = prompts[prompts.length - 1]!;
    expect(last.split('first answer').length - 1).toBe(1);
  });

  it('refuses a running reply', async ({ agentApp, fakeLlm }) => {
    fakeLlm.setDefault({ text: 'slow', hangAfter: 0 });
    const http = agentApp.http;
    const { taskId } = await createTask(http);
    const one = (await http.post(`/api/tasks/${taskId}/messages`, { content: 'q' })).body.data;
    expect(
      expectProblem(await http.post(`/api/messages/${one.assistant.id}/regenerate`), 409).detail,
    ).toMatch(/once it has ended/);
    await http.post(`/api/messages/${one.assistant.id}/cancel`);
  });
});
