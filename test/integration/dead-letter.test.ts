import { describe, expect } from 'vitest';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { REPLY_QUEUE } from '../../server/src/jobs/boss';
import { withFixtures } from '../support/fixtures';

// The dead-letter path had no test: a reply job that fails every attempt (its workers keep
// dying) goes to the dead-letter queue, whose worker ends the reply `interrupted` with a reason
// and frees the task. Attempts are failed through pg-boss's own API from a web-only instance
// (it runs no workers), so no worker has to die three times at the heartbeat's pace.

const it = withFixtures();
const apps: AgentApp[] = [];
it.afterAll(async () => {
  for (const a of apps.reverse()) await a.close();
});

describe('dead-letter queue', () => {
  it('a reply whose job failed every attempt ends interrupted, and the task is free again', async ({
    database,
    fakeLlm,
  }) => {
    const env = { ...FAST_AGENT_ENV, OPENAI_BASE_URL: fakeLlm.baseUrl };
    const web = await startAgentApp({ ...env, ROLES: 'web' }, { database });
    apps.push(web);
    const { taskId } = await createTask(web.http);
    const res = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'doomed' });
    const id = res.body.data.assistant.id as string;
    // Every attempt the queue allows (retryLimit + 1) is taken and fails, as a dying worker's would.
    const { rows } = await web.db.pool.query(`SELECT retry_limit FROM pgboss.job WHERE id = $1`, [id]);
    const attempts = Number(rows[0].retry_limit) + 1;
    for (let i = 0; i < attempts; i++) {
      const [job] = await web.agent.boss.fetch(REPLY_QUEUE);
      expect(job?.id, `attempt ${i + 1}`).toBe(id);
      await web.agent.boss.fail(REPLY_QUEUE, id, { reason: 'worker died' });
    }
    expect((await web.db.pool.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id])).rows[0].state).toBe(
      'failed',
    );
    // A worker comes up (web too: a worker-only runtime cannot close cleanly yet, issue 8 §9);
    // the reply job is over, only its dead letter remains to handle.
    const worker = await startAgentApp(env, { database });
    apps.push(worker);
    const done = await waitForReply(web.db, id, 20_000);
    expect(done).toMatchObject({ status: 'interrupted', error: 'the workers running this reply stopped' });
    expect(fakeLlm.requests).toHaveLength(0); // never ran
    // The task's queue is free: the next message is answered.
    fakeLlm.enqueue({ text: 'alive again' });
    const next = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello?' });
    const ok = await waitForReply(web.db, next.body.data.assistant.id, 20_000);
    expect(ok).toMatchObject({ status: 'completed', content: 'alive again' });
  });
});
