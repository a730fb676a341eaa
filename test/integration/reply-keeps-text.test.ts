import pg from 'pg';
import { expect } from 'vitest';
import { createTestDatabase } from '../support/db';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  FAST_AGENT_ENV,
  startAgentApp,
  subscribe,
  waitFor,
  type AgentApp,
} from '../support/agent-app';
import { silentLogs } from '../../server/src/logger';
import { ActiveRuns } from '../../server/src/jobs/active-runs';
import { runAgentReply } from '../../server/src/jobs/agent-reply';
import { REPLY_QUEUE } from '../../server/src/jobs/boss';

// An interrupted reply keeps every character viewers were sent, not just the last checkpoint
// (it used to keep 21 of 30 shown). Checkpoints are a minute apart here, so anything the row
// holds beyond '' came from the ending path itself.

const ENV = {
  ...FAST_AGENT_ENV,
  AGENT_CHECKPOINT_MS: '60000',
  LLM_IDLE_TIMEOUT_MS: '600000',
};
const TOKENS = Array.from({ length: 30 }, (_, i) => `word${i} `);
// The fixtures' agentApp (on the fake model) serves every test.
const it = withFixtures({ agentEnv: ENV });
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

const row = async (id: string) =>
  (await t.db.pool.query('SELECT status, content, error FROM messages WHERE id = $1', [id])).rows[0] as {
    status: string;
    content: string;
    error: string | null;
  };

/** Starts a reply that streams all 30 tokens and then hangs; resolves once a viewer has them all. */
async function streamThenHang(app: AgentApp) {
  const { taskId } = await createTask(app.http);
  fake.enqueue({ text: TOKENS, hangAfter: TOKENS.length });
  const socket = await connectSocket(app.url);
  const seen = new DeltaMerger();
  socket.on('message.delta', (d) => seen.apply(d));
  expect(await subscribe(socket, taskId)).toEqual({ ok: true });
  const res = await app.http.post(`/api/tasks/${taskId}/messages`, { content: 'talk' });
  const id = res.body.data.assistant.id as string;
  const shown = await waitFor(
    () => seen.texts.get(id) === TOKENS.join('') && seen.texts.get(id),
    10_000,
    'all tokens shown',
  );
  const status = async () =>
    (await app.db.pool.query('SELECT status FROM messages WHERE id = $1', [id])).rows[0].status as string;
  await waitFor(async () => (await status()) === 'streaming', 10_000, 'streaming');
  return { id, shown, socket };
}

it('a lost claim: another worker ends it interrupted first, this one still writes what it showed', async () => {
  const { id, shown, socket } = await streamThenHang(t);
  // Another worker got the job (pg-boss took it back): it ends the reply from the row alone.
  await runAgentReply(
    {
      config: t.config,
      db: t.db.pool,
      log: silentLogs().for('agent'),
      publisher: t.agent.realtime.publisher,
      runs: new ActiveRuns(),
      checkpointer: t.agent.checkpointer!,
    },
    id,
  );
  expect(await row(id)).toMatchObject({ status: 'interrupted', content: '' });
  // This worker's heartbeat now finds the job gone and aborts its run.
  await t.agent.boss.fail(REPLY_QUEUE, id);
  const kept = await waitFor(
    async () => (await row(id)).content === shown && row(id),
    15_000,
    'the shown text kept',
  );
  expect(kept.status).toBe('interrupted');
  socket.close();
});

it('a stopping server ends its reply interrupted with all the text it showed', async () => {
  // Its own database: the only worker there, so the reply is surely this instance's.
  const database = await createTestDatabase();
  const other = await startAgentApp({ ...ENV, OPENAI_BASE_URL: fake.baseUrl }, { database });
  const { id, shown, socket } = await streamThenHang(other);
  await other.close();
  socket.close();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const ended = (await client.query('SELECT status, content, error FROM messages WHERE id = $1', [id]))
    .rows[0];
  await client.end();
  await database.drop();
  expect(ended).toMatchObject({
    status: 'interrupted',
    content: shown,
    error: 'the server stopped while writing this reply',
  });
});
