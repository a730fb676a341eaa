import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { REPLY_QUEUE } from '../../server/src/jobs/boss';

// A job pg-boss takes back before the reply's first token (its heartbeat lapsed) is run again
// by its next attempt. The run that lost the claim stops without ending the reply: ending it
// `interrupted` would have beaten the next attempt, which then found it ended.

let fake: FakeLlm;
let t: AgentApp;
beforeAll(async () => {
  fake = await startFakeLlm();
  t = await startAgentApp({
    ...FAST_AGENT_ENV,
    OPENAI_BASE_URL: fake.baseUrl,
    LLM_IDLE_TIMEOUT_MS: '600000',
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

it('a claim lost before the first token: the next attempt answers, the first run steps aside', async () => {
  const { taskId } = await createTask(t.http);
  fake.enqueue({ hangAfter: 0 }, { text: 'second attempt' });
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello' });
  const id = res.body.data.assistant.id as string;
  const [first] = await fake.waitForRequests(1);
  // What pg-boss does to a job whose heartbeat expired: back to retry, for any worker.
  await t.agent.boss.fail(REPLY_QUEUE, id);
  const done = await waitForReply(t.db, id, 20_000);
  expect(done).toMatchObject({ status: 'completed', content: 'second attempt', error: null });
  expect(first!.disconnected).toBe(true); // the first run's request was closed
  const runs = (
    await t.db.pool.query(
      'SELECT attempt, error_class FROM agent_runs WHERE message_id = $1 ORDER BY attempt',
      [id],
    )
  ).rows;
  expect(runs).toEqual([
    { attempt: 1, error_class: 'worker_lost' },
    { attempt: 2, error_class: null },
  ]);
  const task = (await t.db.pool.query('SELECT agent_status FROM tasks WHERE id = $1', [taskId])).rows[0];
  expect(task.agent_status).toBe('idle');
});
