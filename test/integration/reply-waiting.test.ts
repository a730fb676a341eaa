import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import {
  createTask,
  FAST_AGENT_ENV,
  startAgentApp,
  waitFor,
  waitForReply,
  type AgentApp,
} from '../support/agent-app';
import { startWorkerProcess, stopWorkerProcess } from '../support/agent-worker-process';
import { REPLY_QUEUE } from '../../server/src/jobs/boss';
import { WAITING_FOR_WORKER } from '../../server/src/jobs/reply-watch';

// With no worker running, replies used to sit `queued` (or `streaming`, their worker dead) with
// no sign. Now the task says "waiting for a worker" once none has held the job for
// AGENT_WORKER_WAIT_MS, and a worker that comes back runs the reply or ends it interrupted.

let fake: FakeLlm;
let web: AgentApp;
const children: ChildProcess[] = [];
const env = () => ({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl, AGENT_WORKER_WAIT_MS: '300' });
beforeAll(async () => {
  fake = await startFakeLlm();
  web = await startAgentApp({ ...env(), ROLES: 'web' });
});
afterAll(async () => {
  for (const c of children) await stopWorkerProcess(c);
  await web?.close();
  await fake?.close();
});

// Workers run as child processes (the same entry as ROLES=worker), so one can be SIGKILLed.
const workerEnv = () => ({ ...env(), ROLES: 'worker', DATABASE_URL: web.database.url, LOG_LEVEL: 'silent' });
const task = async (taskId: string) =>
  (await web.db.pool.query('SELECT agent_status, agent_status_message FROM tasks WHERE id = $1', [taskId]))
    .rows[0] as { agent_status: string; agent_status_message: string | null };
const status = async (id: string) =>
  (await web.db.pool.query('SELECT status FROM messages WHERE id = $1', [id])).rows[0].status as string;

it('no worker: the task shows "waiting for a worker"; a worker that starts runs the reply', async () => {
  const { taskId } = await createTask(web.http);
  fake.enqueue({ text: 'at last' });
  const res = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'anyone there?' });
  const id = res.body.data.assistant.id as string;
  await waitFor(
    async () => (await task(taskId)).agent_status_message === WAITING_FOR_WORKER,
    10_000,
    'waiting',
  );
  expect(await task(taskId)).toEqual({ agent_status: 'queued', agent_status_message: WAITING_FOR_WORKER });
  expect(await status(id)).toBe('queued');

  const worker = await startWorkerProcess(workerEnv());
  expect(await waitForReply(web.db, id)).toMatchObject({ status: 'completed', content: 'at last' });
  expect(await task(taskId)).toEqual({ agent_status: 'idle', agent_status_message: null });
  await stopWorkerProcess(worker);
});

it('a reply whose job is gone ends interrupted instead of staying open', async () => {
  const lone = await startAgentApp({ ...env(), ROLES: 'web' });
  try {
    const { taskId } = await createTask(lone.http);
    const res = await lone.http.post(`/api/tasks/${taskId}/messages`, { content: 'lost job' });
    const id = res.body.data.assistant.id as string;
    await lone.agent.boss.deleteJob(REPLY_QUEUE, id);
    const done = await waitForReply(lone.db, id);
    expect(done).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/job .* ended/) });
    const t = (await lone.db.pool.query('SELECT agent_status FROM tasks WHERE id = $1', [taskId])).rows[0];
    expect(t.agent_status).toBe('error');
  } finally {
    await lone.close();
  }
});

it('its worker killed mid-stream and none left: "waiting for a worker", then interrupted once one returns', async () => {
  const child = await startWorkerProcess(workerEnv());
  const { taskId } = await createTask(web.http);
  fake.enqueue({ text: ['one ', 'two ', 'three '], hangAfter: 3 });
  const res = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'then die' });
  const id = res.body.data.assistant.id as string;
  await waitFor(async () => (await status(id)) === 'streaming', 10_000, 'streaming');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  // pg-boss takes the job back when its heartbeat expires (10 s); then nobody holds it.
  await waitFor(
    async () => (await task(taskId)).agent_status_message === WAITING_FOR_WORKER,
    30_000,
    'waiting',
  );
  expect(await status(id)).toBe('streaming');
  children.push(await startWorkerProcess(workerEnv()));
  const done = await waitForReply(web.db, id, 20_000);
  expect(done.status).toBe('interrupted');
  expect((await task(taskId)).agent_status).toBe('error');
}, 90_000);
