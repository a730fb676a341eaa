import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import { withFixtures } from '../support/fixtures';

// The chat summary on the task row (migrations/0070): cards read it from the tasks shape, so it
// must follow inserts, deletes and status changes of messages, follow the task across boards,
// and stay put while a reply's text is checkpointed (or every checkpoint would rewrite the task
// row and travel through the tasks shape).

const it = withFixtures();
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  fake = fakeLlm;
  t = agentApp;
});

interface Summary {
  message_count: number;
  last_message_at: Date | null;
  last_reply_seq: string | null;
  last_reply_status: string | null;
  last_reply_agent_id: string | null;
  xmin: string;
  updated_at: Date;
}
const summary = async (taskId: string) =>
  (
    await t.db.pool.query<Summary>(
      `SELECT message_count, last_message_at, last_reply_seq::text, last_reply_status,
              last_reply_agent_id, xmin::text, updated_at FROM tasks WHERE id = $1`,
      [taskId],
    )
  ).rows[0]!;
/** What the summary should be, computed from the messages themselves. */
const expected = async (taskId: string) =>
  (
    await t.db.pool.query(
      `SELECT count(*)::int AS message_count, max(created_at) AS last_message_at,
              (max(seq) FILTER (WHERE role = 'assistant'
                AND status IN ('completed','failed','cancelled','interrupted')))::text AS last_reply_seq,
              (array_agg(status ORDER BY seq DESC) FILTER (WHERE role = 'assistant'))[1] AS last_reply_status
         FROM messages WHERE task_id = $1`,
      [taskId],
    )
  ).rows[0];
const pick = (s: Summary) => ({
  message_count: s.message_count,
  last_message_at: s.last_message_at,
  last_reply_seq: s.last_reply_seq,
  last_reply_status: s.last_reply_status,
});
const messageRow = async (id: string) =>
  (
    await t.db.pool.query<{ content: string; seq: string; xmin: string }>(
      'SELECT content, seq::text, xmin::text FROM messages WHERE id = $1',
      [id],
    )
  ).rows[0]!;

async function exchange(taskId: string, content: string, answer: string) {
  fake.enqueue({ text: [answer] });
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
  expect(res.status).toBe(201);
  await waitForReply(t.db, res.body.data.assistant.id);
  return res.body.data as { user: { id: string }; assistant: { id: string } };
}

describe('task chat summary', () => {
  // First in the file: no script queued by another test can answer this reply.
  it('does not rewrite the task row while a reply streams its text checkpoints', async () => {
    const { taskId } = await createTask(t.http);
    const checkpoints: { task: string; message: string }[] = [];
    let reply = '';
    const tokens = Array.from({ length: 40 }, (_, i) => `w${i} `);
    // by the question's text: no other call to the fake can take this script
    fake.setDefault((body: { messages: { content: string }[] }) =>
      !JSON.stringify(body.messages.at(-1)).includes('Stream')
        ? { text: 'Other.' }
        : {
            text: tokens,
            // At tokens 10, 20 and 30 wait until the row carries newer text than at the last stop (a
            // checkpoint was written), then note the task row's and the message row's versions.
            beforeToken: async (i) => {
              if (i % 10 !== 0 || i === 0) return;
              // (the stream may start before the POST's answer reached this test)
              reply ||= (
                await t.db.pool.query<{ id: string }>(
                  `SELECT id FROM messages WHERE task_id = $1 AND role = 'assistant'`,
                  [taskId],
                )
              ).rows[0]!.id;
              const before = checkpoints.at(-1);
              await expect
                .poll(
                  async () => {
                    const r = await messageRow(reply);
                    return r.content.length > 0 && r.xmin !== before?.message;
                  },
                  { timeout: 10_000 },
                )
                .toBe(true);
              const m = await messageRow(reply);
              checkpoints.push({ task: (await summary(taskId)).xmin, message: m.xmin });
            },
          },
    );
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'Stream' });
    reply = res.body.data.assistant.id as string;
    await waitForReply(t.db, reply);
    expect(checkpoints).toHaveLength(3);
    // the message row was rewritten at each stop, the task row not once in between
    expect(new Set(checkpoints.map((c) => c.message)).size).toBe(3);
    expect(new Set(checkpoints.map((c) => c.task)).size).toBe(1);
    // and the final write did update it
    const done = await summary(taskId);
    expect(done.xmin).not.toBe(checkpoints[0]!.task);
    expect(done.last_reply_status).toBe('completed');
  });

  it('counts inserts, follows the reply status, and ends at the newest finished reply', async () => {
    const { taskId } = await createTask(t.http);
    expect(pick(await summary(taskId))).toEqual({
      message_count: 0,
      last_message_at: null,
      last_reply_seq: null,
      last_reply_status: null,
    });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.enqueue({ text: ['a ', 'b ', 'c ', 'd ', 'e '], beforeToken: (i) => (i === 4 ? held : undefined) });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'Hello' });
    const reply = res.body.data.assistant.id as string;
    // both rows of the post, the reply open (queued or already streaming), none finished yet
    const open = await summary(taskId);
    expect(open.message_count).toBe(2);
    expect(open.last_reply_seq).toBeNull();
    expect(['queued', 'streaming']).toContain(open.last_reply_status);
    // the reply's first token moved it to streaming: so does the task's summary
    await expect
      .poll(
        async () =>
          (await t.db.pool.query('SELECT status FROM messages WHERE id = $1', [reply])).rows[0].status,
        { timeout: 10_000 },
      )
      .toBe('streaming');
    expect((await summary(taskId)).last_reply_status).toBe('streaming');
    release();
    await waitForReply(t.db, reply);
    const done = await summary(taskId);
    expect(done.last_reply_status).toBe('completed');
    expect(done.last_reply_seq).toBe((await messageRow(reply)).seq);
    expect(pick(done)).toEqual(await expected(taskId));
  });

  it('counts deletes: an edit and resend drops the later messages from the count', async () => {
    const { taskId } = await createTask(t.http);
    const first = await exchange(taskId, 'Plan in two steps', 'Step one, step two.');
    await exchange(taskId, 'Now three', 'One, two, three.');
    expect((await summary(taskId)).message_count).toBe(4);
    fake.enqueue({ text: ['Four.'] });
    const edit = await t.http.post(`/api/messages/${first.user.id}/edit`, { content: 'Plan in four steps' });
    expect(edit.status).toBe(201);
    // the edited message and the new queued reply
    expect((await summary(taskId)).message_count).toBe(2);
    await waitForReply(t.db, edit.body.data.id);
    expect(pick(await summary(taskId))).toEqual(await expected(taskId));
    expect((await summary(taskId)).message_count).toBe(2);
    // a delete on its own (no insert in the same statement to recount)
    await t.db.pool.query('DELETE FROM messages WHERE id = $1', [edit.body.data.id]);
    expect((await summary(taskId)).message_count).toBe(1);
    expect(pick(await summary(taskId))).toEqual(await expected(taskId));
  });

  it('keeps the summary when the task moves to another board, and goes on counting there', async () => {
    const { taskId } = await createTask(t.http);
    await exchange(taskId, 'Before the move', 'Noted.');
    const before = pick(await summary(taskId));
    const other = await t.http.post('/api/boards', { name: 'Other board' });
    const moved = await t.http.post(`/api/tasks/${taskId}/move`, {
      columnId: other.body.data.columns[0].id,
      placement: {},
    });
    expect(moved.status).toBe(200);
    expect(pick(await summary(taskId))).toEqual(before);
    await exchange(taskId, 'After the move', 'Still here.');
    const after = await summary(taskId);
    expect(after.message_count).toBe(4);
    expect(pick(after)).toEqual(await expected(taskId));
  });

  it('leaves updated_at alone: a new message is not an edit of the task', async () => {
    const { taskId } = await createTask(t.http);
    const before = await summary(taskId);
    // a message written without the post command (which also sets the task's agent status)
    await t.db.pool.query(
      `INSERT INTO messages (task_id, board_id, role, content)
      SELECT id, board_id, 'user', 'a note' FROM tasks WHERE id = $1`,
      [taskId],
    );
    const after = await summary(taskId);
    expect(after.message_count).toBe(1);
    expect(after.updated_at).toEqual(before.updated_at);
  });

  it('backfills existing chats (the migration`s last statement)', async () => {
    const { taskId } = await createTask(t.http);
    await exchange(taskId, 'Backfill me', 'Done.');
    const want = pick(await summary(taskId));
    const sql = readFileSync(new URL('../../migrations/0070_task_chat_summary.sql', import.meta.url), 'utf8');
    const backfill = sql.slice(sql.indexOf('-- Backfill'));
    const c = await t.db.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(
        `UPDATE tasks SET message_count = 0, last_message_at = NULL, last_reply_seq = NULL,
        last_reply_status = NULL, last_reply_agent_id = NULL WHERE id = $1`,
        [taskId],
      );
      await c.query(backfill);
      const { rows } = await c.query(
        `SELECT message_count, last_message_at, last_reply_seq::text, last_reply_status FROM tasks WHERE id = $1`,
        [taskId],
      );
      expect(rows[0]).toEqual(want);
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });
});
