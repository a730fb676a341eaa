import { expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  subscribe,
  waitForReply,
  type AgentApp,
} from '../support/agent-app';

// A reply longer than a message can hold (messages.content CHECK, 200,000 characters) stops at
// the cap and ends `failed` with a readable error, keeping the text up to the cap; it used to
// stay `streaming` forever (every write hit the CHECK) while cancel answered 200 doing nothing.

// The fixtures' agentApp (on the fake model) serves every test.
const it = withFixtures();
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

it('stops at the cap: failed, "too long", the first 200,000 characters kept, cancel is 409', async () => {
  const { taskId } = await createTask(t.http);
  // 250 tokens of 1,000 characters (each one distinct, so a wrong cut shows).
  const tokens = Array.from({ length: 250 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(995)} `);
  fake.enqueue({ text: tokens });
  const socket = await connectSocket(t.url);
  const merged = new DeltaMerger();
  socket.on('message.delta', (d) => merged.apply(d));
  expect(await subscribe(socket, taskId)).toEqual({ ok: true });
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'write a lot' });
  const id = res.body.data.assistant.id as string;

  const done = await waitForReply(t.db, id, 30_000);
  socket.close();
  expect(done.status).toBe('failed');
  expect(done.error).toMatch(/too long.*200,000 characters.*kept/);
  expect(done.content.length).toBe(200_000);
  expect(done.content).toBe(tokens.join('').slice(0, 200_000));
  // What viewers were sent never goes past what the row keeps.
  expect(merged.texts.get(id)?.length ?? 0).toBeLessThanOrEqual(200_000);
  const task = (
    await t.db.pool.query('SELECT agent_status, agent_status_message FROM tasks WHERE id = $1', [taskId])
  ).rows[0];
  expect(task).toMatchObject({
    agent_status: 'error',
    agent_status_message: expect.stringMatching(/too long/),
  });
  const runs = (await t.db.pool.query('SELECT error_class FROM agent_runs WHERE message_id = $1', [id])).rows;
  expect(runs).toEqual([{ error_class: 'too_long' }]);

  const cancel = await t.http.post(`/api/messages/${id}/cancel`, {});
  expect(cancel.status).toBe(409);
  expect(cancel.body).toMatchObject({ status: 409, detail: 'the reply already ended (failed)' });
  // A new reply in the same task still works.
  fake.enqueue({ text: 'short' });
  const next = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'shorter please' });
  expect(await waitForReply(t.db, next.body.data.assistant.id as string)).toMatchObject({
    status: 'completed',
    content: 'short',
  });
});
