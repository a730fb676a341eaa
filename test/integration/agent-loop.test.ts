import { describe, expect } from 'vitest';
import { CHECKPOINT_SCHEMA } from '../../server/src/agent/checkpointer';
import { createTask, waitFor, waitForReply, type AgentApp } from '../support/agent-app';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';

// The reply runs in LangChain's createAgent with LangGraph checkpoints in Postgres: a failed
// model call is retried by resuming the thread (the prompt is not added a second time), and an
// ended reply's checkpoints are deleted.

const it = withFixtures({ agentEnv: { LLM_MAX_ATTEMPTS: '2' } });
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

const checkpoints = async (threadId: string) =>
  Number(
    (
      await t.db.pool.query(
        `SELECT count(*) AS n FROM ${CHECKPOINT_SCHEMA}.checkpoints WHERE thread_id = $1`,
        [threadId],
      )
    ).rows[0].n,
  );

describe('the agent loop', () => {
  it('a retried model call resumes the thread: the provider gets the same prompt, not the prompt twice', async () => {
    const { taskId } = await createTask(t.http);
    fake.enqueue({ status: 500 }, { text: 'second try' });
    const before = fake.requests.length;
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'plan it' });
    const done = await waitForReply(t.db, res.body.data.assistant.id);
    expect(done).toMatchObject({ status: 'completed', content: 'second try' });
    const [first, second] = fake.requests.slice(before);
    expect(second!.body.messages).toEqual(first!.body.messages);
    expect(first!.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
  });

  it("an ended reply's checkpoints are deleted", async () => {
    const { taskId } = await createTask(t.http);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.enqueue({ text: 'done here', beforeToken: (i) => (i === 0 ? held : undefined) });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello' });
    const id = res.body.data.assistant.id as string;
    await waitFor(async () => (await checkpoints(id)) > 0, 10_000, 'checkpoints while it runs');
    release();
    await waitForReply(t.db, id);
    await waitFor(async () => (await checkpoints(id)) === 0, 10_000, 'checkpoints deleted');
  });
});
