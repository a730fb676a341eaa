import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  FAST_AGENT_ENV,
  startAgentApp,
  subscribe,
  waitFor,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { prng, testSeed, tokenGate, within } from '../support/gate';

// A cancel mid-stream, alone or racing a move of the replying task to another board, used to
// deadlock (40P01): the reply's final write locked the message then the task, the move locked
// the task then (its board trigger) the messages. The cancel answered 409/500, and a worker write
// that lost could end the process. Now every writer locks the task row first, and a command that
// still loses a deadlock retries. Each round holds the stream at a seeded token, so the cancel
// always lands mid-stream, and checks the reply keeps exactly the text its viewers were shown.

const ROUNDS = 6;
const WORDS = ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon ', 'zeta ', 'eta ', 'theta'];

let fake: FakeLlm;
let t: AgentApp;
let viewer: ClientSocket;
const shown = new DeltaMerger();
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => void unhandled.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  fake = await startFakeLlm();
  // Each round holds the model mid-stream while a cancel waits for locks (the deadlock round: at
  // least the server's deadlock_timeout, 1 s on the system PostgreSQL). FAST_AGENT_ENV's 1.5 s
  // idle watchdog fired first under load and the reply rightly ended `failed`, so the cancel got
  // 409 "already ended". Nothing here is about the watchdog: it is out of the way.
  t = await startAgentApp({
    ...FAST_AGENT_ENV,
    LLM_IDLE_TIMEOUT_MS: '600000',
    OPENAI_BASE_URL: fake.baseUrl,
  });
  viewer = await connectSocket(t.url);
  viewer.on('message.delta', (d) => shown.apply(d));
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  viewer?.disconnect();
  await t?.close();
  await fake?.close();
});

/** One reply held before token `at`, once a viewer has been shown tokens 0..at-1. */
async function heldReply(taskId: string, at: number) {
  await subscribe(viewer, taskId);
  const gate = tokenGate();
  const hold = gate.holdAt(at);
  fake.enqueue({ text: WORDS, beforeToken: (k) => gate.beforeToken(k) });
  const before = fake.requests.length;
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: `go to ${at}` });
  expect(res.status).toBe(201);
  const id = res.body.data.assistant.id as string;
  await within(hold.reached, 10_000, `the stream to reach token ${at}`);
  const text = WORDS.slice(0, at).join('');
  await within(
    shown.whenText(id, (x) => x === text),
    10_000,
    'the viewer to be shown the held text',
  );
  return { id, text, gate, provider: fake.requests[before]! };
}

async function expectCancelledWith(id: string, text: string) {
  const done = await waitForReply(t.db, id);
  expect(done.status).toBe('cancelled');
  // A cancel that found the reply still `queued` (its first-token write not yet committed) ends it
  // at once; the worker then tops the row up with the text it showed (keepText). So the shown
  // text arrives with the terminal status or just after it, never later than the worker's end.
  const content = await waitFor(
    async () => {
      const r = await t.db.pool.query<{ content: string }>('SELECT content FROM messages WHERE id = $1', [
        id,
      ]);
      return r.rows[0]!.content === text ? text : undefined;
    },
    10_000,
    'the shown text in the cancelled reply',
  );
  expect(content).toBe(text);
}

it('cancel at a seeded held token, every round: 200, the provider released, the shown text kept', async () => {
  const rand = prng(testSeed(4001));
  const { taskId } = await createTask(t.http);
  for (let round = 0; round < ROUNDS; round++) {
    const at = 1 + Math.floor(rand() * (WORDS.length - 2));
    const r = await heldReply(taskId, at);
    try {
      const cancel = await t.http.post(`/api/messages/${r.id}/cancel`, {});
      expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
      await within(r.provider.closed, 10_000, 'the provider connection to close');
      await expectCancelledWith(r.id, r.text);
    } finally {
      r.gate.releaseAll();
    }
  }
  expect(unhandled).toEqual([]);
});

it('cancel and a move of the replying task to another board, together: both 2xx, the reply follows its task', async () => {
  const rand = prng(testSeed(4002));
  const boards = await Promise.all(
    ['Here', 'Elsewhere'].map(async (name) => {
      const b = await t.http.post('/api/boards', { name });
      return { id: b.body.data.id as string, column: b.body.data.columns[0].id as string };
    }),
  );
  const task = await t.http.post(`/api/boards/${boards[0]!.id}/tasks`, {
    columnId: boards[0]!.column,
    title: 'Moves while it replies',
  });
  const taskId = task.body.data.id as string;
  for (let round = 0; round < ROUNDS; round++) {
    const at = 1 + Math.floor(rand() * (WORDS.length - 2));
    const to = boards[(round + 1) % 2]!; // alternate: every move changes the task's board
    const r = await heldReply(taskId, at);
    try {
      // Either order, seeded: the final write of the cancelled reply races the move's trigger.
      const cancelFirst = rand() < 0.5;
      const cancel = () => t.http.post(`/api/messages/${r.id}/cancel`, {});
      const move = () => t.http.post(`/api/tasks/${taskId}/move`, { columnId: to.column });
      const [c, m] = cancelFirst
        ? await Promise.all([cancel(), move()])
        : await Promise.all([move(), cancel()]).then(([a, b]) => [b, a] as const);
      expect(c.status, JSON.stringify(c.body)).toBe(200);
      expect(m.status, JSON.stringify(m.body)).toBe(200);
      await within(r.provider.closed, 10_000, 'the provider connection to close');
      await expectCancelledWith(r.id, r.text);
      const row = await t.db.pool.query('SELECT board_id FROM messages WHERE id = $1', [r.id]);
      expect(row.rows[0].board_id).toBe(to.id);
    } finally {
      r.gate.releaseAll();
    }
  }
  expect(unhandled).toEqual([]);
});

it('the reply ends while a board move of its task waits for the task row: no deadlock, in either ending', async () => {
  // The exact interleaving, made certain: a test transaction holds the task row; the move queues
  // for it first, then the reply's final write (completion or cancel) queues; then the row is let
  // go. The move gets the task and its trigger updates the message; a final write that already
  // held the message while waiting for the task deadlocked with it.
  const rand = prng(testSeed(4003));
  const boards = await Promise.all(
    ['From', 'To'].map(async (name) => {
      const b = await t.http.post('/api/boards', { name });
      return { id: b.body.data.id as string, column: b.body.data.columns[0].id as string };
    }),
  );
  const task = await t.http.post(`/api/boards/${boards[0]!.id}/tasks`, {
    columnId: boards[0]!.column,
    title: 'Moves as it finishes',
  });
  const taskId = task.body.data.id as string;
  const blocked = async (n: number) => {
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0]!.n >= n;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const at = 1 + Math.floor(rand() * (WORDS.length - 2));
    const cancelling = rand() < 0.5;
    const to = boards[(round + 1) % 2]!;
    const r = await heldReply(taskId, at);
    const holder = await t.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tasks WHERE id = $1 FOR NO KEY UPDATE', [taskId]);
      const move = t.http.post(`/api/tasks/${taskId}/move`, { columnId: to.column });
      await waitFor(() => blocked(1), 10_000, 'the move to wait for the task row');
      const cancel = cancelling ? t.http.post(`/api/messages/${r.id}/cancel`, {}) : undefined;
      if (!cancelling) r.gate.releaseAll();
      await waitFor(() => blocked(2), 10_000, 'the reply to wait behind the move');
      await holder.query('COMMIT');
      const m = await move;
      expect(m.status, JSON.stringify(m.body)).toBe(200);
      if (cancel) {
        const c = await cancel;
        expect(c.status, JSON.stringify(c.body)).toBe(200);
      }
      const done = await waitForReply(t.db, r.id);
      expect(done.status).toBe(cancelling ? 'cancelled' : 'completed');
      expect(done.content).toBe(cancelling ? r.text : WORDS.join(''));
      expect(done.board_id).toBe(to.id);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
      r.gate.releaseAll();
    }
  }
  expect(unhandled).toEqual([]);
});

it('a cancel that Postgres picks as a deadlock victim is run again: 200, not 409', async () => {
  // An independent writer with the opposite order (the message, then its task) meets the cancel
  // (the task, then the message). The cancel waits first, so its deadlock check runs first and
  // Postgres rolls the cancel back (40P01); write() runs it again once the other has gone on.
  const { taskId } = await createTask(t.http);
  const r = await heldReply(taskId, 2);
  const other = await t.db.pool.connect();
  try {
    await other.query('BEGIN');
    // The other writer never runs the deadlock check itself, so the cancel, waiting the server's
    // deadlock_timeout from the moment it queued, is the one Postgres rolls back.
    await other.query("SET LOCAL deadlock_timeout = '10min'");
    await other.query('SELECT 1 FROM messages WHERE id = $1 FOR NO KEY UPDATE', [r.id]);
    const cancel = t.http.post(`/api/messages/${r.id}/cancel`, {});
    cancel.catch(() => undefined); // awaited below; a failed wait must not leave it unhandled
    // The cancel's own lock of the message (not the worker's checkpoint, also waiting for it).
    const cancelWaits = async () => {
      const { rows } = await t.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND query ILIKE '%from "messages"%for no key update%'`,
      );
      return rows[0]!.n > 0;
    };
    await waitFor(cancelWaits, 10_000, 'the cancel to wait for the message');
    await other.query("UPDATE tasks SET agent_status_message = 'other writer' WHERE id = $1", [taskId]);
    await other.query('COMMIT');
    const c = await cancel;
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    await within(r.provider.closed, 10_000, 'the provider connection to close');
    await expectCancelledWith(r.id, r.text);
  } finally {
    await other.query('ROLLBACK').catch(() => undefined);
    other.release();
    r.gate.releaseAll();
  }
  expect(unhandled).toEqual([]);
});
