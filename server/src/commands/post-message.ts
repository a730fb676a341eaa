import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PostMessageBody, WriteResult } from '@kanban/shared';
import type { MessageRow } from '../db/schema';
import { NotFound } from './errors';
import { check } from '../policy';
import { mark } from '../agent/trace';
import { prepared } from '../jobs/prepared';
import { Replay, write, type Trx } from './deps';
import type { MessageDeps } from './message-deps';
import { PipelineError, pipelinedTransaction } from './message-pipeline';
import { replayExisting } from './replay';

export interface PostedRows {
  user: MessageRow;
  assistant: MessageRow;
}

// Locks the task first (posts to one task commit one after another, so the order of their rows
// and of their jobs agree), as its own statement: the next one must not depend on its result.
const LOCK_TASK = prepared('SELECT id FROM tasks WHERE id = $1 FOR NO KEY UPDATE');

// Both rows (the reply after the user message, so its seq is higher), the task shown "queued"
// unless a reply is already running, and the txid. Plain inserts, so a missing task (its board
// id, set by a trigger from the task, is null) or a taken client id (primary key) is an error
// that aborts the whole transaction.
const INSERT_EXCHANGE = prepared(`
  WITH u AS (
    INSERT INTO messages (id, task_id, role, content, status, author_id, author_name)
    VALUES ($1, $3, 'user', $4, 'completed', $5, $6)
    RETURNING *
  ),
  a AS (
    INSERT INTO messages (id, task_id, role, status, parent_id)
    SELECT $2, task_id, 'assistant', 'queued', id FROM u
    RETURNING *
  ),
  -- the task's activity history (migrations/0023), in the same statement
  act AS (
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    SELECT task_id, $5, $6, 'asked', jsonb_build_object('messageId', id) FROM u
  ),
  s AS (
    UPDATE tasks SET agent_status = 'queued', agent_status_message = NULL
    WHERE id = $3 AND agent_status IN ('idle', 'error') AND EXISTS (SELECT 1 FROM a)
  )
  SELECT u.*, pg_current_xact_id()::xid::text AS txid FROM u
  UNION ALL
  SELECT a.*, pg_current_xact_id()::xid::text AS txid FROM a`);

/**
 * Saves the user's message and a queued assistant reply, and sends the reply job, in one
 * transaction: the job exists if and only if the messages do. Idempotent on a client id.
 * The transaction is one round trip (see message-pipeline.ts): BEGIN, the task lock, the rows,
 * the job, COMMIT, the statements prepared once per connection (jobs/prepared.ts).
 */
export async function postMessage(
  deps: MessageDeps,
  taskId: string,
  body: PostMessageBody,
): Promise<WriteResult<PostedRows>> {
  mark(taskId, 'post.start');
  // Its own round trip before the pipelined transaction: membership changes are rare, and a
  // refusal must not have queued anything.
  await check(deps.db, deps.actor, 'chat', 'task', taskId);
  const author = deps.actor.kind === 'user' ? deps.actor : undefined;
  const userId = body.id ?? randomUUID();
  const replyId = randomUUID();
  let results: unknown[];
  try {
    results = await pipelinedTransaction(deps.pipeline, async (client) => [
      client.query(LOCK_TASK([taskId])),
      client.query(
        INSERT_EXCHANGE([
          userId,
          replyId,
          taskId,
          body.content,
          author?.userId ?? null,
          author?.name ?? null,
        ]),
      ),
      (await deps.queueReplyJob(client, { messageId: replyId, taskId })).result,
    ]);
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    const lock = err.results[0];
    if (lock?.status === 'fulfilled' && !(lock.value as pg.QueryResult).rowCount)
      throw new NotFound('task', taskId);
    if (err.code === '23505' && body.id) return write<PostedRows>(deps, (trx) => replay(trx, taskId, body));
    throw err;
  }
  mark(taskId, 'post.commit');
  const { rows } = results[1] as pg.QueryResult<MessageRow & { txid: string }>;
  const strip = ({ txid: _, ...m }: MessageRow & { txid: string }): MessageRow => m;
  const user = rows.find((r) => r.role === 'user')!;
  const assistant = rows.find((r) => r.role === 'assistant')!;
  return { data: { user: strip(user), assistant: strip(assistant) }, txid: Number(user.txid) };
}

/** The client id exists: the same message again answers the stored rows; anything else is 409. */
async function replay(trx: Trx, taskId: string, body: PostMessageBody) {
  const again = await replayExisting<MessageRow>(
    trx,
    'messages',
    body.id!,
    (m) => m.task_id === taskId && m.role === 'user' && m.content === body.content,
  );
  const assistant = await trx
    .selectFrom('messages')
    .selectAll()
    .where('parent_id', '=', body.id!)
    .orderBy('seq')
    .executeTakeFirstOrThrow();
  return new Replay({ user: again.data, assistant }, again.txid);
}
