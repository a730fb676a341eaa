import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageDelta } from '@kanban/shared';
import { CONTROL_CONNECTION } from '../../server/src/jobs/control';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  FAST_AGENT_ENV,
  startAgentApp,
  subscribe,
  waitFor,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { terminateBackends } from '../support/terminate';

// The control channel (cancels, late-joiner catch-ups) used to give up after one failed
// reconnect. Here its connection is terminated while the database refuses new connections, so
// several reconnects fail; once connections are allowed again it must be back, and both things
// it carries must work. The reply hangs after a few tokens and checkpoints are rare, so neither
// the cancel nor the catch-up can arrive any other way than through the control channel.

let fake: FakeLlm;
let t: AgentApp;
let admin: pg.Client;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  fake = await startFakeLlm();
  t = await startAgentApp({
    ...FAST_AGENT_ENV,
    OPENAI_BASE_URL: fake.baseUrl,
    AGENT_CHECKPOINT_MS: '60000',
    LLM_IDLE_TIMEOUT_MS: '60000',
  });
  // Outside the app's database: Postgres will not disallow connections to the current one.
  const url = new URL(t.database.url);
  url.pathname = '/postgres';
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await admin?.query(`ALTER DATABASE ${t.database.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await admin?.end();
  await t?.close();
  await fake?.close();
});

const control = () => t.db.connections.snapshot()[CONTROL_CONNECTION];

it('comes back after failed reconnects; catch-up and cancel work again', async () => {
  await admin.query(`ALTER DATABASE ${t.database.name} ALLOW_CONNECTIONS false`);
  expect(await terminateBackends(admin, CONTROL_CONNECTION, t.database.name)).toBe(1);
  await waitFor(() => (control()?.failures ?? 0) >= 3, 20_000, 'three refused reconnects');
  await admin.query(`ALTER DATABASE ${t.database.name} ALLOW_CONNECTIONS true`);
  await waitFor(() => control()?.status === 'up', 20_000, 'the control channel to be back');

  const { taskId } = await createTask(t.http);
  const early = await connectSocket(t.url);
  sockets.push(early);
  let seen = '';
  early.on('message.delta', (d) => (seen = d.text.length + d.offset > seen.length ? seen + d.text : seen));
  await subscribe(early, taskId);
  fake.enqueue({ text: 'one two three four', hangAfter: 3 });
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello' });
  const replyId = res.body.data.assistant.id as string;
  await waitFor(() => seen === 'one two three ', 10_000, 'the first three tokens');

  const late = await connectSocket(t.url);
  sockets.push(late);
  const heard: MessageDelta[] = [];
  late.on('message.delta', (d) => heard.push(d));
  await subscribe(late, taskId);
  const caughtUp = await waitFor(() => heard[0], 10_000, "the late joiner's catch-up");
  expect(caughtUp).toMatchObject({ messageId: replyId, offset: 0, text: 'one two three ' });

  expect((await t.http.post(`/api/messages/${replyId}/cancel`, {})).status).toBe(200);
  const done = await waitForReply(t.db, replyId, 10_000);
  expect(done.status).toBe('cancelled');
  expect(done.content).toBe('one two three ');
});
