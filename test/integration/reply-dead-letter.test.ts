import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { startWorkerProcess, stopWorkerProcess } from '../support/agent-worker-process';

// A reply whose workers keep dying (SIGKILLed before its first token, so every retry runs it
// again) exhausts the job's retries; pg-boss moves it to the dead-letter queue, whose worker
// ends the reply `interrupted` and deletes the failed job, which would otherwise hold the
// task's strict-FIFO key and block every later reply of the task.

let fake: FakeLlm;
let web: AgentApp;
const children: ChildProcess[] = [];
beforeAll(async () => {
  fake = await startFakeLlm();
  web = await startAgentApp({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl, ROLES: 'web' });
});
afterAll(async () => {
  for (const c of children) await stopWorkerProcess(c);
  await web?.close();
  await fake?.close();
});

it('workers dying three times: dead letter ends it interrupted and frees the task', async () => {
  const workerEnv = {
    ...FAST_AGENT_ENV,
    OPENAI_BASE_URL: fake.baseUrl,
    LLM_IDLE_TIMEOUT_MS: '600000',
    ROLES: 'worker',
    DATABASE_URL: web.database.url,
    LOG_LEVEL: 'silent',
  };
  const { taskId } = await createTask(web.http);
  fake.setDefault({ hangAfter: 0 }); // headers, then silence: the worker waits for a first token
  const res = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'doomed' });
  const id = res.body.data.assistant.id as string;
  // retryLimit 2: the first attempt and two retries, each run by a worker that is then killed.
  for (let death = 1; death <= 3; death++) {
    const child = await startWorkerProcess(workerEnv);
    await fake.waitForRequests(death, 60_000);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  fake.setDefault({ text: 'fine again' });
  // A live worker: its dead-letter handler ends the reply once pg-boss gives up on the job.
  children.push(await startWorkerProcess(workerEnv));
  const done = await waitForReply(web.db, id, 60_000);
  expect(done).toMatchObject({ status: 'interrupted', error: 'the workers running this reply stopped' });
  const runs = (
    await web.db.pool.query(
      'SELECT attempt, error_class, finished_at IS NOT NULL AS closed FROM agent_runs WHERE message_id = $1 ORDER BY attempt',
      [id],
    )
  ).rows;
  expect(runs).toEqual([1, 2, 3].map((attempt) => ({ attempt, error_class: 'worker_lost', closed: true })));
  expect(fake.requests).toHaveLength(3);

  // The task's queue is free: its next reply runs.
  const next = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'and now?' });
  expect(await waitForReply(web.db, next.body.data.assistant.id as string, 30_000)).toMatchObject({
    status: 'completed',
    content: 'fine again',
  });
  const task = (await web.db.pool.query('SELECT agent_status FROM tasks WHERE id = $1', [taskId])).rows[0];
  expect(task.agent_status).toBe('idle');
}, 180_000);
