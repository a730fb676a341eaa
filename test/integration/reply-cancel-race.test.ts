import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import {
  createTask,
  FAST_AGENT_ENV,
  startAgentApp,
  waitFor,
  waitForReply,
  type AgentApp,
} from '../support/agent-app';
import * as store from '../../server/src/jobs/reply-store';

// A cancel that lands between a worker's claim and its first-token write used to leave the task
// `streaming` for good (6 of 60 trials): the cancel settled the task, then the first-token write
// set it back. Every path must end with the reply terminal and the task's agent_status settled.

// The fixtures' agentApp (on the fake model) serves every test.
const it = withFixtures();
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

const taskStatus = async (taskId: string, app: AgentApp = t) =>
  (await app.db.pool.query('SELECT agent_status FROM tasks WHERE id = $1', [taskId])).rows[0]
    .agent_status as string;

it('the exact interleaving: claim, cancel, first token, end — the task ends idle', async () => {
  // A web-only instance on a database of its own (no worker anywhere takes the job): the test
  // plays the worker's writes in the racing order through the worker's own statements.
  const web = await startAgentApp({ ...FAST_AGENT_ENV, ROLES: 'web' });
  try {
    const { taskId } = await createTask(web.http);
    const res = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello' });
    const id = res.body.data.assistant.id as string;
    const m = { id, task_id: taskId };
    const started = await store.startReply(web.db.pool, id);
    expect(started?.claimed).toBe(true);
    expect(await taskStatus(taskId, web)).toBe('thinking');
    const cancel = await web.http.post(`/api/messages/${id}/cancel`, {});
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.status).toBe('cancelled');
    const runId = randomUUID();
    await store.startRun(web.db.pool, runId, m, 'openai', 'fake');
    await store.markFirstToken(web.db.pool, m, runId, 'fake');
    expect(await store.finishReply(web.db.pool, m, { status: 'cancelled', content: 'Hel' })).toBe(false);
    expect(await taskStatus(taskId, web)).toBe('idle');
    await store.keepText(web.db.pool, id, 'Hel');
    expect((await waitForReply(web.db, id)).content).toBe('Hel'); // what viewers saw is kept
  } finally {
    await web.close();
  }
});

it('cancel issued as the fake provider sends its first chunk, 20 trials: never stuck', async () => {
  const { taskId } = await createTask(t.http);
  for (let trial = 0; trial < 20; trial++) {
    let posted!: (id: string) => void;
    const replyId = new Promise<string>((r) => (posted = r));
    let cancelStatus = 0;
    fake.enqueue({
      text: 'one two three four five',
      beforeToken: async (i) => {
        if (i !== 0) return;
        const res = await t.http.post(`/api/messages/${await replyId}/cancel`, {});
        cancelStatus = res.status;
      },
    });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: `question ${trial}` });
    const id = res.body.data.assistant.id as string;
    posted(id);
    const done = await waitForReply(t.db, id);
    expect(done.status).toBe('cancelled');
    // The worker is done with it (its run unregisters last), then the task must be settled.
    await waitFor(() => !t.agent.runs.get(id), 10_000, 'the run to end');
    expect(cancelStatus).toBe(200);
    expect(await taskStatus(taskId)).toBe('idle');
  }
});
