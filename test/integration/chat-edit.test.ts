import { describe, expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import { signUp } from '../support/auth';
import { addMember } from '../support/full-app';
import { api } from '../support/http';
import { withFixtures } from '../support/fixtures';

// Edit and resend (docs/chat.md): the later replies go, a new reply to the edited text streams.

const it = withFixtures({ agentEnv: { LLM_MODEL: 'fake-model' } });
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  fake = fakeLlm;
  t = agentApp;
});

const chat = async (taskId: string) =>
  (
    await t.db.pool.query<{ id: string; role: string; content: string; status: string }>(
      'SELECT id, role, content, status FROM messages WHERE task_id = $1 ORDER BY seq',
      [taskId],
    )
  ).rows;

async function exchange(taskId: string, content: string, answer: string) {
  fake.enqueue({ text: [answer] });
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
  await waitForReply(t.db, res.body.data.assistant.id);
  return res.body.data as { user: { id: string }; assistant: { id: string } };
}

describe('POST /api/messages/:id/edit', () => {
  it('replaces the later messages with a new reply to the edited text', async () => {
    const { taskId } = await createTask(t.http);
    const first = await exchange(taskId, 'Plan in two steps', 'Step one, step two.');
    await exchange(taskId, 'Now three', 'One, two, three.');

    fake.enqueue({ text: ['Four ', 'steps.'] });
    const res = await t.http.post(`/api/messages/${first.user.id}/edit`, { content: 'Plan in four steps' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ role: 'assistant', status: 'queued', parent_id: first.user.id });
    expect(res.body.txid).toEqual(expect.any(Number));
    const done = await waitForReply(t.db, res.body.data.id);
    expect(done.status).toBe('completed');

    expect((await chat(taskId)).map((m) => [m.role, m.content])).toEqual([
      ['user', 'Plan in four steps'],
      ['assistant', 'Four steps.'],
    ]);
    // The model saw the edited text, not the old one or the removed exchange.
    const prompt = JSON.stringify(fake.requests.at(-1));
    expect(prompt).toContain('Plan in four steps');
    expect(prompt).not.toContain('Now three');
  });

  it('refuses non-authors, replies, running replies and bad input, changing nothing', async () => {
    const { taskId, boardId } = await createTask(t.http);
    const ex = await exchange(taskId, 'Hello', 'Hi.');
    const before = await chat(taskId);

    const other = await signUp(t.url);
    await addMember(t.url, t.owner!, other, boardId);
    const res403 = await api(t.url, other.headers).post(`/api/messages/${ex.user.id}/edit`, { content: 'x' });
    expect(res403.status).toBe(403);
    expect(res403.headers.get('content-type')).toContain('application/problem+json');

    expect((await t.http.post(`/api/messages/${ex.assistant.id}/edit`, { content: 'x' })).status).toBe(409);
    for (const body of [{}, { content: '' }, { content: 'x', role: 'assistant' }])
      expect((await t.http.post(`/api/messages/${ex.user.id}/edit`, body)).status).toBe(400);
    expect((await t.http.post(`/api/messages/nope/edit`, { content: 'x' })).status).toBe(400);
    expect(await chat(taskId)).toEqual(before);

    // A later reply still queued: 409, the chat as it was.
    fake.enqueue({ text: ['slow'], paceMs: 5000 });
    const pending = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'Again' });
    const mid = await chat(taskId);
    expect((await t.http.post(`/api/messages/${ex.user.id}/edit`, { content: 'x' })).status).toBe(409);
    expect((await chat(taskId)).map((m) => m.id)).toEqual(mid.map((m) => m.id));
    await t.http.post(`/api/messages/${pending.body.data.assistant.id}/cancel`);
    await waitForReply(t.db, pending.body.data.assistant.id);
  });
});
