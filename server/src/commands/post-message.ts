import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PostMessageBody, WriteResult } from '@kanban/shared';
import type { MessageRow } from '../db/schema';
import { Conflict, NotFound } from './errors';
import { check } from '../policy';
import { mark } from '../agent/trace';
import { prepared } from '../jobs/prepared';
import { Replay, write, type Trx } from './deps';
import type { MessageDeps } from './message-deps';
import { PipelineError, pipelinedTransaction } from './message-pipeline';
import { replayExisting } from './replay';
import { resolveAddressees } from '../agent/addressing';
import { orderedIds } from './agent-triggers';

export interface PostedRows {
  user: MessageRow;
  /** The first reply. */
  assistant: MessageRow;
  /** Every reply queued: one per addressed agent, in the order they answer. */
  replies: MessageRow[];
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
  -- its author: the first agent the message addresses ($7), else the task's agent (if it is
  -- one of the task's board), else the board's default (agent/addressing.ts)
  a AS (
    INSERT INTO messages (id, task_id, role, status, parent_id, agent_id)
    SELECT $2, u.task_id, 'assistant', 'queued', u.id, coalesce($7::uuid, (
      SELECT coalesce(ta.id, d.id) FROM tasks t
      LEFT JOIN agents ta ON ta.id = t.agent_id AND ta.board_id = t.board_id
      LEFT JOIN agents d ON d.board_id = t.board_id AND d.is_default
      WHERE t.id = $3))
    FROM u
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

// Each further addressed agent: a reply to the reply before it (agent-triggers.ts, queueReplies).
const INSERT_NEXT_REPLY = prepared(`
  INSERT INTO messages (id, task_id, role, status, parent_id, agent_id)
  VALUES ($1, $2, 'assistant', 'queued', $3, $4)
  RETURNING *`);

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
  // Who answers (a read only when the text has an `@`): the pipeline below cannot branch.
  const agents = await resolveAddressees(deps.db, taskId, body.content);
  const replyIds = orderedIds(Math.max(1, agents.length));
  let results: unknown[];
  try {
    results = await pipelinedTransaction(deps.pipeline, async (client) => {
      const sent: Promise<unknown>[] = [
        client.query(LOCK_TASK([taskId])),
        client.query(
          INSERT_EXCHANGE([
            userId,
            replyIds[0],
            taskId,
            body.content,
            author?.userId ?? null,
            author?.name ?? null,
            agents[0]?.id ?? null,
          ]),
        ),
      ];
      for (let i = 1; i < agents.length; i++)
        sent.push(client.query(INSERT_NEXT_REPLY([replyIds[i], taskId, replyIds[i - 1], agents[i]!.id])));
      // One job per reply, in the order of their ids (they answer in that order: orderedIds).
      for (const messageId of replyIds)
        sent.push((await deps.queueReplyJob(client, { messageId, taskId })).result);
      return sent;
    });
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    const lock = err.results[0];
    if (lock?.status === 'fulfilled' && !(lock.value as pg.QueryResult).rowCount)
      throw new NotFound('task', taskId);
    if (err.code === '23505' && body.id) return write<PostedRows>(deps, (trx) => replay(trx, taskId, body));
    // An addressed agent was deleted since it was read: nothing was written.
    if (err.code === '23503' && agents.length)
      throw new Conflict('an agent this message addresses was just removed; send it again');
    throw err;
  }
  mark(taskId, 'post.commit');
  const { rows } = results[1] as pg.QueryResult<MessageRow & { txid: string }>;
  const strip = ({ txid: _, ...m }: MessageRow & { txid: string }): MessageRow => m;
  const user = rows.find((r) => r.role === 'user')!;
  const assistant = strip(rows.find((r) => r.role === 'assistant')!);
  const more = results
    .slice(2, 2 + Math.max(0, agents.length - 1))
    .map((r) => (r as pg.QueryResult<MessageRow>).rows[0]!);
  return {
    data: { user: strip(user), assistant, replies: [assistant, ...more] },
    txid: Number(user.txid),
  };
}

/** The client id exists: the same message again answers the stored rows; anything else is 409. */
async function replay(trx: Trx, taskId: string, body: PostMessageBody) {
  const again = await replayExisting<MessageRow>(
    trx,
    'messages',
    body.id!,
    (m) => m.task_id === taskId && m.role === 'user' && m.content === body.content,
  );
  // Its replies: the first answers it, each further one the reply before (a chain, in seq order).
  const later = await trx
    .selectFrom('messages')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('role', '=', 'assistant')
    .where('seq', '>', again.data.seq)
    .orderBy('seq')
    .execute();
  const replies: MessageRow[] = [];
  for (const m of later) if (m.parent_id === (replies.at(-1)?.id ?? body.id)) replies.push(m);
  return new Replay({ user: again.data, assistant: replies[0]!, replies }, again.txid);
}
