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

// The agent_runs insert runs beside the model stream. When it fails mid-stream, its rejection
// must be handled where it happens: left pending until the stream ended, it was an unhandled
// rejection, which ends a Node 20 process. The reply itself completes without its run row.

let fake: FakeLlm;
let t: AgentApp;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  fake = await startFakeLlm();
  t = await startAgentApp({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl });
  // A real database error on the run insert, held until the test lets it through.
  await t.db.pool.query(`
    CREATE FUNCTION test_runs_broken() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_lock_shared(4242);
      PERFORM pg_advisory_unlock_shared(4242);
      RAISE EXCEPTION 'agent_runs is broken for this test';
    END $$;
    CREATE TRIGGER test_runs_broken BEFORE INSERT ON agent_runs
      FOR EACH ROW EXECUTE FUNCTION test_runs_broken();`);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await t?.close();
  await fake?.close();
});

it('a failed agent_runs insert during the stream is no unhandled rejection; the reply completes', async () => {
  const { taskId } = await createTask(t.http);
  const lock = await t.db.pool.connect();
  await lock.query('SELECT pg_advisory_lock(4242)');
  const waiting = () =>
    t.db.pool
      .query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted`,
      )
      .then((r) => r.rows[0].n as number);
  fake.enqueue({
    text: 'an answer that outlives its run row',
    beforeToken: async (i) => {
      if (i !== 1) return;
      // The first token is out and the insert is in flight: now let it fail, and wait until the
      // worker's statement is over before streaming on.
      await waitFor(async () => (await waiting()) > 0, 10_000, 'the run insert to wait');
      await lock.query('SELECT pg_advisory_unlock(4242)');
      await waitFor(async () => (await waiting()) === 0, 10_000, 'the run insert to fail');
      await new Promise((r) => setImmediate(r));
    },
  });
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello' });
  const id = res.body.data.assistant.id as string;
  const done = await waitForReply(t.db, id);
  lock.release();
  expect(done).toMatchObject({ status: 'completed', content: 'an answer that outlives its run row' });
  expect(
    (await t.db.pool.query('SELECT count(*)::int AS n FROM agent_runs WHERE message_id = $1', [id])).rows[0]
      .n,
  ).toBe(0);
  expect(unhandled).toEqual([]);
  const task = (await t.db.pool.query('SELECT agent_status FROM tasks WHERE id = $1', [taskId])).rows[0];
  expect(task.agent_status).toBe('idle');
});
