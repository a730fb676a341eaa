import { sql } from 'kysely';
import type { PostMessageBody, WriteResult } from '@kanban/shared';
import type { MessageRow } from '../db/schema';
import { notFound } from '../http/problem';
import { mark } from '../agent/trace';
import type { Trx } from './deps';
import type { MessageDeps } from './message-deps';
import { replayExisting } from './replay';

export interface PostedRows {
  user: MessageRow;
  assistant: MessageRow;
}

/**
 * Saves the user's message and a queued assistant reply, and sends the reply job, in one
 * transaction: the job exists if and only if the messages do. Idempotent on a client id.
 *
 * This is the first leg of "message → first token", so it is four round trips (BEGIN, one
 * statement for the rows, the job, COMMIT) instead of one per row: on a busy 2-core machine each
 * round trip costs milliseconds.
 */
export async function postMessage(
  deps: MessageDeps,
  taskId: string,
  body: PostMessageBody,
): Promise<WriteResult<PostedRows>> {
  mark(taskId, 'post.start');
  const out = await deps.db.transaction().execute(async (trx) => {
    const fresh = await insertExchange(trx, taskId, body);
    if (!fresh) return existing(trx, taskId, body);
    await deps.enqueueReply(trx, { messageId: fresh.data.assistant.id, taskId });
    return fresh;
  });
  mark(taskId, 'post.commit');
  return out;
}

/**
 * One statement: locks the task, inserts the user message (unless its client id exists) and the
 * queued reply (after it, so its seq is higher), shows the task "queued" unless a reply is already
 * running, and reads the txid. Nothing when the task is missing or the id is taken.
 */
async function insertExchange(
  trx: Trx,
  taskId: string,
  body: PostMessageBody,
): Promise<WriteResult<PostedRows> | undefined> {
  const { rows } = await sql<MessageRow & { txid: string }>`
    WITH t AS (SELECT id FROM tasks WHERE id = ${taskId} FOR NO KEY UPDATE),
    u AS (
      INSERT INTO messages (id, task_id, role, content, status)
      SELECT coalesce(${body.id ?? null}::uuid, gen_random_uuid()), t.id, 'user', ${body.content}, 'completed'
      FROM t
      ON CONFLICT (id) DO NOTHING
      RETURNING *
    ),
    a AS (
      INSERT INTO messages (task_id, role, status, parent_id)
      SELECT task_id, 'assistant', 'queued', id FROM u
      RETURNING *
    ),
    s AS (
      -- A task already thinking or streaming keeps showing that; the next reply waits behind it.
      UPDATE tasks SET agent_status = 'queued', agent_status_message = NULL
      WHERE id IN (SELECT task_id FROM a) AND agent_status IN ('idle', 'error')
    )
    SELECT u.*, pg_current_xact_id()::xid::text AS txid FROM u
    UNION ALL
    SELECT a.*, pg_current_xact_id()::xid::text AS txid FROM a
  `.execute(trx);
  const strip = ({ txid: _, ...m }: MessageRow & { txid: string }): MessageRow => m;
  const user = rows.find((r) => r.role === 'user');
  const assistant = rows.find((r) => r.role === 'assistant');
  if (!user || !assistant) return undefined;
  return { data: { user: strip(user), assistant: strip(assistant) }, txid: Number(user.txid) };
}

/** No rows were written: the task does not exist (404), or this is a replay of a client id. */
async function existing(trx: Trx, taskId: string, body: PostMessageBody): Promise<WriteResult<PostedRows>> {
  const task = await trx.selectFrom('tasks').select('id').where('id', '=', taskId).executeTakeFirst();
  if (!task || !body.id) throw notFound('task', taskId);
  const again = await replayExisting<MessageRow>(
    trx,
    'messages',
    body.id,
    (m) => m.task_id === taskId && m.role === 'user' && m.content === body.content,
  );
  const assistant = await trx
    .selectFrom('messages')
    .selectAll()
    .where('parent_id', '=', body.id)
    .orderBy('seq')
    .executeTakeFirstOrThrow();
  return { data: { user: again.data, assistant }, txid: again.txid };
}
