import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import { untilMessage } from '../support/row-events';

// The chat summary on the task row (migrations/0090): what a card shows without the messages
// shape. Every event that changes a card's chat stats, through the real agent pipeline where the
// app has a path to it, and the ones it has no route for (a failed or interrupted end, a message
// moved to another task) written directly.

const it = withFixtures();

interface Summary {
  chat_count: number;
  chat_streaming: boolean;
  chat_last_reply_seq: string | null;
  chat_last_reply_status: string | null;
  chat_last_done_seq: string;
  chat_open_replies: number;
  chat_open_agent_id: string | null;
}
const COLUMNS = `chat_count, chat_streaming, chat_last_reply_seq, chat_last_reply_status,
  chat_last_done_seq, chat_open_replies, chat_open_agent_id`;

async function summaryOf(a: AgentApp, taskId: string): Promise<Summary> {
  const { rows } = await a.db.pool.query<Summary>(`SELECT ${COLUMNS} FROM tasks WHERE id = $1`, [taskId]);
  return rows[0]!;
}

/** The summary computed from the messages themselves: what the triggers must keep. */
async function expectedOf(a: AgentApp, taskId: string): Promise<Summary> {
  const { rows } = await a.db.pool.query<Record<string, any>>(
    'SELECT seq, role, status, agent_id FROM messages WHERE task_id = $1 ORDER BY seq',
    [taskId],
  );
  const replies = rows.filter((m) => m.role === 'assistant');
  const open = replies.filter((m) =>
    ['queued', 'streaming', 'executing', 'waiting_for_user'].includes(m.status),
  );
  const done = replies.filter((m) => ['completed', 'failed', 'cancelled', 'interrupted'].includes(m.status));
  return {
    chat_count: rows.length,
    chat_streaming: replies.some((m) => m.status === 'streaming'),
    chat_last_reply_seq: replies.at(-1)?.seq ?? null,
    chat_last_reply_status: replies.at(-1)?.status ?? null,
    chat_last_done_seq: done.at(-1)?.seq ?? '0',
    chat_open_replies: open.length,
    chat_open_agent_id: open.filter((m) => m.agent_id).at(-1)?.agent_id ?? null,
  };
}

const expectInStep = async (a: AgentApp, taskId: string) =>
  expect(await summaryOf(a, taskId)).toEqual(await expectedOf(a, taskId));

const xminOf = async (a: AgentApp, taskId: string) =>
  (await a.db.pool.query('SELECT xmin::text AS x, updated_at FROM tasks WHERE id = $1', [taskId])).rows[0];

describe('task chat summary', () => {
  it('follows a send, the reply streaming, its end, a regenerate and a cancel', async ({
    agentApp,
    fakeLlm,
  }) => {
    const a = agentApp;
    fakeLlm.setDefault({ text: 'an answer' });
    const { taskId } = await createTask(a.http);
    expect(await summaryOf(a, taskId)).toMatchObject({ chat_count: 0, chat_last_reply_seq: null });

    const one = (await a.http.post(`/api/tasks/${taskId}/messages`, { content: 'q1' })).body.data;
    const done = await waitForReply(a.db, one.assistant.id);
    expect(done.status).toBe('completed');
    expect(await summaryOf(a, taskId)).toMatchObject({
      chat_count: 2,
      chat_streaming: false,
      chat_last_reply_seq: String(done.seq),
      chat_last_reply_status: 'completed',
      chat_last_done_seq: String(done.seq),
      chat_open_replies: 0,
    });

    // regenerate: a second version of the reply, the newest reply of the chat
    fakeLlm.setDefault({ text: 'slow', hangAfter: 1 });
    const v2 = (await a.http.post(`/api/messages/${one.assistant.id}/regenerate`)).body.data;
    await untilMessage(
      a.db.url,
      v2.id,
      (m) => (m?.status === 'streaming' ? m : undefined),
      10_000,
      'streaming',
    );
    const streaming = await summaryOf(a, taskId);
    expect(streaming).toMatchObject({
      chat_count: 3,
      chat_streaming: true,
      chat_last_reply_seq: String(v2.seq),
      chat_last_reply_status: 'streaming',
      // the unread mark stays on the finished first version until this one ends
      chat_last_done_seq: String(done.seq),
      chat_open_replies: 1,
    });
    expect(streaming.chat_open_agent_id).not.toBeNull();
    await expectInStep(a, taskId);

    // cancel: the reply ends, the card stops streaming and the cancelled reply is the newest end
    expect((await a.http.post(`/api/messages/${v2.id}/cancel`)).status).toBe(200);
    await waitForReply(a.db, v2.id);
    expect(await summaryOf(a, taskId)).toMatchObject({
      chat_streaming: false,
      chat_last_reply_status: 'cancelled',
      chat_last_done_seq: String(v2.seq),
      chat_open_replies: 0,
      chat_open_agent_id: null,
    });
    await expectInStep(a, taskId);
  });

  it('follows a failed and an interrupted end, a deletion, a message moved to another task, and never a content write', async ({
    agentApp,
  }) => {
    const a = agentApp;
    const { taskId } = await createTask(a.http, 'one');
    const { taskId: otherId } = await createTask(a.http, 'two');
    const ins = async (task: string, role: string, status: string) =>
      (
        await a.db.pool.query<{ id: string; seq: string }>(
          `INSERT INTO messages (task_id, role, status) VALUES ($1, $2, $3) RETURNING id, seq`,
          [task, role, status],
        )
      ).rows[0]!;
    await ins(taskId, 'user', 'completed');
    const r = await ins(taskId, 'assistant', 'streaming');
    await expectInStep(a, taskId);
    expect((await summaryOf(a, taskId)).chat_streaming).toBe(true);

    // a content write (a streaming checkpoint) does not touch the task row at all
    const before = await xminOf(a, taskId);
    await a.db.pool.query(`UPDATE messages SET content = 'partial text' WHERE id = $1`, [r.id]);
    expect(await xminOf(a, taskId)).toEqual(before);
    // nor does it run the summary at all (a checkpoint every few hundred ms of every reply);
    // a status write does (this transaction's function calls, counted by Postgres)
    const c = await a.db.pool.connect();
    try {
      await c.query(`BEGIN; SET LOCAL track_functions = 'pl'`);
      const calls = async () =>
        (
          await c.query<{ n: string }>(
            `SELECT coalesce(sum(calls), 0)::text AS n FROM pg_stat_xact_user_functions
              WHERE funcname = 'task_chat_summary_updated'`,
          )
        ).rows[0]!.n;
      await c.query(`UPDATE messages SET content = 'more partial text' WHERE id = $1`, [r.id]);
      expect(await calls()).toBe('0');
      // a status change that leaves the summary as it is (a user message's) writes no task row
      await c.query(`UPDATE messages SET status = 'failed' WHERE task_id = $1 AND role = 'user'`, [taskId]);
      expect(await calls()).toBe('1');
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    expect(await xminOf(a, taskId)).toEqual(before);

    for (const status of ['failed', 'interrupted']) {
      await a.db.pool.query(`UPDATE messages SET status = $2 WHERE id = $1`, [r.id, status]);
      expect(await summaryOf(a, taskId)).toMatchObject({
        chat_last_reply_status: status,
        chat_streaming: false,
        chat_last_done_seq: r.seq,
      });
    }
    // a summary change is not a change of the card: updated_at stays
    expect((await xminOf(a, taskId)).updated_at).toEqual(before.updated_at);

    // a second reply, then both deleted in one statement (edit-and-resend drops later messages)
    await ins(taskId, 'assistant', 'queued');
    expect((await summaryOf(a, taskId)).chat_open_replies).toBe(1);
    await a.db.pool.query(`DELETE FROM messages WHERE task_id = $1 AND role = 'assistant'`, [taskId]);
    expect(await summaryOf(a, taskId)).toMatchObject({
      chat_count: 1,
      chat_last_reply_seq: null,
      chat_last_reply_status: null,
      chat_last_done_seq: '0',
      chat_open_replies: 0,
    });

    // a message moved to another task leaves one summary and enters the other
    const moved = await ins(taskId, 'assistant', 'completed');
    await a.db.pool.query(`UPDATE messages SET task_id = $2 WHERE id = $1`, [moved.id, otherId]);
    await expectInStep(a, taskId);
    await expectInStep(a, otherId);
    expect((await summaryOf(a, otherId)).chat_last_done_seq).toBe(moved.seq);
  });

  it('leaves updated_at for a summary-only write and moves it for every other change', async ({
    agentApp,
  }) => {
    const a = agentApp;
    const { taskId } = await createTask(a.http, 'touched');
    const stamp = async () => (await xminOf(a, taskId)).updated_at as Date;
    const write = (set: string) => a.db.pool.query(`UPDATE tasks SET ${set} WHERE id = $1`, [taskId]);

    let before = await stamp();
    await write('chat_count = chat_count + 1, chat_open_agent_id = gen_random_uuid()');
    expect(await stamp()).toEqual(before);

    // a chat field and a card field in one statement: the card changed
    for (const set of [
      "title = title || '!'",
      "label_ids = '{}'::uuid[] || gen_random_uuid()",
      'due_date = current_date',
      'cost_usd = cost_usd + 1',
    ]) {
      await write(`chat_count = chat_count + 1, ${set}`);
      const after = await stamp();
      expect(after.getTime(), set).toBeGreaterThan(before.getTime());
      before = after;
    }
    // a card field alone, and a write that changes nothing, touch as they always did
    for (const set of ["description = 'new'", 'title = title']) {
      await write(set);
      const after = await stamp();
      expect(after.getTime(), set).toBeGreaterThan(before.getTime());
      before = after;
    }
  });

  it('travels with its task to another board and is rebuilt by the backfill', async ({
    agentApp,
    fakeLlm,
  }) => {
    const a = agentApp;
    fakeLlm.setDefault({ text: 'moved along' });
    const { taskId } = await createTask(a.http, 'traveller');
    const one = (await a.http.post(`/api/tasks/${taskId}/messages`, { content: 'q' })).body.data;
    await waitForReply(a.db, one.assistant.id);
    const want = await summaryOf(a, taskId);
    expect(want.chat_count).toBe(2);

    const to = (await a.http.post('/api/boards', { name: 'Elsewhere' })).body.data;
    const moved = await a.http.post(`/api/tasks/${taskId}/move`, { columnId: to.columns[0].id });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ board_id: to.id, chat_count: 2 });
    expect(await summaryOf(a, taskId)).toEqual(want);

    // the migration's backfill statement, run on a cleared summary, rebuilds it
    const sql = await readFile(path.join(process.cwd(), 'migrations/0090_task_chat_summary.sql'), 'utf8');
    const backfill = sql.slice(sql.lastIndexOf('SELECT task_chat_summary_refresh'));
    await a.db.pool.query(
      `UPDATE tasks SET chat_count = 0, chat_last_reply_seq = NULL, chat_last_reply_status = NULL,
         chat_last_done_seq = 0 WHERE id = $1`,
      [taskId],
    );
    await a.db.pool.query(backfill);
    expect(await summaryOf(a, taskId)).toEqual(want);
  });
});
