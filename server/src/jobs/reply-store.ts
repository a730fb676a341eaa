import { sql, type Kysely } from 'kysely';
import type { AgentStatus, MessageStatus } from '@kanban/shared';
import type { Database, MessageRow } from '../db/schema';
import type { ErrorClass } from '../agent/errors';

// Every write the reply worker makes to messages, tasks and agent_runs. Each is one short
// statement (or transaction) guarded by the message's current status, so a cancel, a crash
// recovery and a late checkpoint can never move a finished reply backwards.

type Db = Kysely<Database>;

export interface ReplyContext {
  message: MessageRow;
  task: { id: string; title: string; description: string; model: string | null; board_id: string };
  board: { defaultModel?: string | null; systemPrompt?: string | null };
  history: { role: 'user' | 'assistant'; content: string }[];
}

export async function loadReply(db: Db, messageId: string): Promise<ReplyContext | undefined> {
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message) return undefined;
  const task = await db
    .selectFrom('tasks')
    .innerJoin('boards', 'boards.id', 'tasks.board_id')
    .select([
      'tasks.id',
      'tasks.title',
      'tasks.description',
      'tasks.model',
      'tasks.board_id',
      'boards.settings',
    ])
    .where('tasks.id', '=', message.task_id)
    .executeTakeFirst();
  if (!task) return undefined;
  const parentSeq = message.parent_id
    ? db.selectFrom('messages').select('seq').where('id', '=', message.parent_id)
    : db.selectFrom('messages').select('seq').where('id', '=', message.id);
  // The conversation up to the user message being answered; only finished assistant text counts.
  const rows = await db
    .selectFrom('messages')
    .select(['role', 'content'])
    .where('task_id', '=', message.task_id)
    .where('seq', '<=', parentSeq)
    .where((eb) =>
      eb.or([
        eb('role', '=', 'user'),
        eb.and([eb('role', '=', 'assistant'), eb('status', '=', 'completed')]),
      ]),
    )
    .orderBy('seq', 'desc')
    .limit(500)
    .execute();
  const { settings, ...t } = task;
  return {
    message,
    task: t,
    board: settings,
    history: rows.reverse().map((r) => ({ role: r.role as 'user' | 'assistant', content: r.content })),
  };
}

/** The agent status a task shows after one of its replies ends: queued if another waits. */
export async function settleTask(db: Db, taskId: string, status: AgentStatus, message: string | null) {
  await db
    .updateTable('tasks')
    .set({
      agent_status: sql<AgentStatus>`CASE WHEN EXISTS (SELECT 1 FROM messages WHERE task_id = ${taskId}
        AND role = 'assistant' AND status IN ('queued', 'streaming')) THEN 'queued' ELSE ${status} END`,
      agent_status_message: sql<
        string | null
      >`CASE WHEN EXISTS (SELECT 1 FROM messages WHERE task_id = ${taskId}
        AND role = 'assistant' AND status IN ('queued', 'streaming')) THEN NULL ELSE ${message}::text END`,
    })
    .where('id', '=', taskId)
    .execute();
}

export const setTaskStatus = (db: Db, taskId: string, status: AgentStatus, message: string | null = null) =>
  db
    .updateTable('tasks')
    .set({ agent_status: status, agent_status_message: message })
    .where('id', '=', taskId)
    .execute();

/**
 * One transaction before the model call: closes runs a dead worker left open, claims the reply
 * (queued → running; false when it was cancelled or finished meanwhile) and shows "thinking".
 */
export async function beginReply(db: Db, m: { id: string; task_id: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await closeOrphanRuns(trx, m.id);
    const claimed = await claimReply(trx, m.id);
    if (claimed) await setTaskStatus(trx, m.task_id, 'thinking');
    return claimed;
  });
}

async function claimReply(db: Db, messageId: string): Promise<boolean> {
  const row = await db
    .updateTable('messages')
    .set({ started_at: sql`coalesce(started_at, now())` })
    .where('id', '=', messageId)
    .where('status', '=', 'queued')
    .where('cancel_requested_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function startRun(
  db: Db,
  id: string,
  m: { id: string; task_id: string },
  provider: string,
  model: string,
) {
  await db
    .insertInto('agent_runs')
    .values({
      id,
      message_id: m.id,
      task_id: m.task_id,
      provider,
      model,
      attempt: sql<number>`(SELECT coalesce(max(attempt), 0) + 1 FROM agent_runs WHERE message_id = ${m.id})`,
    })
    .execute();
}

export async function markFirstToken(
  db: Db,
  m: { id: string; task_id: string },
  runId: string,
  model: string,
) {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('messages')
      .set({ status: 'streaming', first_token_at: sql`now()`, model })
      .where('id', '=', m.id)
      .where('status', '=', 'queued')
      .execute();
    await trx
      .updateTable('agent_runs')
      .set({ first_token_at: sql`now()` })
      .where('id', '=', runId)
      .execute();
    await setTaskStatus(trx, m.task_id, 'streaming');
  });
}

/** Saves partial content; answers whether a cancel was requested (a missed NOTIFY still lands). */
export async function checkpoint(db: Db, messageId: string, content: string): Promise<boolean> {
  const row = await db
    .updateTable('messages')
    .set({ content })
    .where('id', '=', messageId)
    .where('status', '=', 'streaming')
    .returning('cancel_requested_at')
    .executeTakeFirst();
  return !!row?.cancel_requested_at;
}

export interface RunEnd {
  usage?: { input_tokens?: number; output_tokens?: number } | undefined;
  errorClass?: ErrorClass;
  error?: string;
}

export const finishRun = (db: Db, runId: string, end: RunEnd) =>
  db
    .updateTable('agent_runs')
    .set({
      finished_at: sql`now()`,
      tokens_in: end.usage?.input_tokens ?? null,
      tokens_out: end.usage?.output_tokens ?? null,
      error_class: end.errorClass ?? null,
      error: end.error?.slice(0, 4000) ?? null,
    })
    .where('id', '=', runId)
    .execute();

/** Runs a dead worker left open: they end as worker_lost. */
export const closeOrphanRuns = (db: Db, messageId: string) =>
  db
    .updateTable('agent_runs')
    .set({
      finished_at: sql`now()`,
      error_class: 'worker_lost',
      error: 'the worker running this call stopped',
    })
    .where('message_id', '=', messageId)
    .where('finished_at', 'is', null)
    .execute();

export interface FinalState {
  status: Extract<MessageStatus, 'completed' | 'failed' | 'cancelled' | 'interrupted'>;
  content?: string;
  model?: string;
  usage?: Record<string, unknown> | null;
  error?: string | null;
}

/** The one terminal write of a reply (no-op if it already ended), and the task's status after it. */
export async function finishReply(
  db: Db,
  m: { id: string; task_id: string },
  end: FinalState,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // The worker's pool commits asynchronously (see agent-runtime); the end of a reply is durable.
    await sql`SET LOCAL synchronous_commit = on`.execute(trx);
    const row = await trx
      .updateTable('messages')
      .set({
        status: end.status,
        ...(end.content !== undefined ? { content: end.content } : {}),
        ...(end.model !== undefined ? { model: end.model } : {}),
        ...(end.usage !== undefined ? { usage: end.usage ? JSON.stringify(end.usage) : null } : {}),
        error: end.error?.slice(0, 4000) ?? null,
        finished_at: sql`now()`,
      })
      .where('id', '=', m.id)
      .where('status', 'in', ['queued', 'streaming'])
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    const failed = end.status === 'failed' || end.status === 'interrupted';
    await settleTask(trx, m.task_id, failed ? 'error' : 'idle', failed ? (end.error ?? end.status) : null);
    return true;
  });
}
