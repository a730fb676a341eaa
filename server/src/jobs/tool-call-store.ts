import { sql, type Kysely } from 'kysely';
import type { Database, ToolCallRow } from '../db/schema';

// The rows of a reply's tool calls (migrations/0030). A row exists from the moment the model
// asks for the call: `running` while it runs (or once approved), `waiting` while an `ask` call
// waits for an editor, then `succeeded`, `failed` or `denied`. Keyed by the model's call id
// within the reply, so a run resumed from its checkpoint finds what already ran.

type Db = Kysely<Database>;

export interface CallOf {
  boardId: string;
  taskId: string;
  messageId: string;
  agentId: string | null;
  callId: string;
  /** The model call that asked for it (1-based): call ids repeat across rounds with some servers. */
  round: number;
  name: string;
  args: Record<string, unknown>;
}

// jsonb and text cannot hold NUL (22P05/22021), which a model may well send: store U+FFFD instead.
export const json = (v: unknown) => JSON.stringify(v).replaceAll('\\u0000', '\\uFFFD');
const text = (s: string) => s.replaceAll('\u0000', '\uFFFD');

/** What the model reads back, and the row keeps (cut to the column's 4000 characters). */
export const SUMMARY_CHARS = 4000;

export const findToolCall = (db: Db, messageId: string, round: number, callId: string) =>
  db
    .selectFrom('tool_calls')
    .selectAll()
    .where('message_id', '=', messageId)
    .where('round', '=', round)
    .where('call_id', '=', callId)
    .executeTakeFirst();

/** The call starts running (a new row, or the approved / interrupted one of this call id). */
export const startToolCall = (db: Db, c: CallOf): Promise<ToolCallRow> =>
  db
    .insertInto('tool_calls')
    .values({
      board_id: c.boardId,
      task_id: c.taskId,
      message_id: c.messageId,
      agent_id: c.agentId,
      call_id: c.callId,
      round: c.round,
      name: c.name,
      arguments: json(c.args),
      status: 'running',
      started_at: sql`now()`,
    })
    .onConflict((oc) =>
      oc.columns(['message_id', 'round', 'call_id']).doUpdateSet({
        status: 'running',
        arguments: (eb) => eb.ref('excluded.arguments'),
        started_at: sql`now()`,
        error: null,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();

/** The call ended: its result (what the model reads) or its error. */
export const endToolCall = (
  db: Db,
  id: string,
  end: { status: 'succeeded' | 'failed'; result: string; error?: string | null },
): Promise<ToolCallRow | undefined> =>
  db
    .updateTable('tool_calls')
    .set({
      status: end.status,
      result_summary: text(end.result).slice(0, SUMMARY_CHARS),
      error: end.error ? text(end.error).slice(0, 4000) : null,
      finished_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

/** `ask` calls the run paused on: rows waiting for a decision (kept as they are if they exist). */
export async function waitForDecision(db: Db, calls: CallOf[]): Promise<ToolCallRow[]> {
  if (!calls.length) return [];
  await db
    .insertInto('tool_calls')
    .values(
      calls.map((c) => ({
        board_id: c.boardId,
        task_id: c.taskId,
        message_id: c.messageId,
        agent_id: c.agentId,
        call_id: c.callId,
        round: c.round,
        name: c.name,
        arguments: json(c.args),
        status: 'waiting' as const,
      })),
    )
    .onConflict((oc) => oc.columns(['message_id', 'round', 'call_id']).doNothing())
    .execute();
  return db
    .selectFrom('tool_calls')
    .selectAll()
    .where('message_id', '=', calls[0]!.messageId)
    .where('round', '=', calls[0]!.round)
    .where(
      'call_id',
      'in',
      calls.map((c) => c.callId),
    )
    .orderBy('created_at')
    .execute();
}

/** Every call row of a reply, oldest first. */
export const toolCallsOf = (db: Db, messageId: string) =>
  db.selectFrom('tool_calls').selectAll().where('message_id', '=', messageId).orderBy('created_at').execute();
