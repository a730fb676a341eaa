import { sql } from 'kysely';
import type { ApproveToolCallBody, DenyToolCallBody, ToolCall } from '@kanban/shared';
import { boardTools } from '../agent/board-tools';
import type { ReplyJob } from '../jobs/boss';
import { toolCallJson } from '../jobs/tool-call-json';
import { json } from '../jobs/tool-call-store';
import type { ToolCallRow } from '../db/schema';
import { check } from '../policy';
import { Conflict, Invalid, NotFound } from './errors';
import { write, type CommandDeps, type Trx } from './deps';
import { lockMessage } from './message-locks';

// Approving or denying a tool call the run paused on (the agent's `ask` policy, docs/agents.md).
// Editors decide; who and when is stored on the row. The last decision of a paused round queues
// the reply again and sends the job that resumes its run from the Postgres checkpoint, in the
// same transaction, so a decision is never lost and never resumes twice.

export interface ToolCallDeps extends CommandDeps {
  /** Sends the reply's job again (its id is the message's: the ended job is replaced). */
  resumeReply(trx: Trx, job: ReplyJob): Promise<void>;
  /** The `tool.call` event, after the commit. */
  publish(row: ToolCall): void;
}

export type Decision =
  { approve: true; body: ApproveToolCallBody } | { approve: false; body: DenyToolCallBody };

/** A task's tool calls, oldest first. */
export async function listToolCalls(db: CommandDeps['db'], actor: CommandDeps['actor'], taskId: string) {
  await check(db, actor, 'read', 'task', taskId);
  const rows = await db
    .selectFrom('tool_calls')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(toolCallJson);
}

/** Edited arguments must fit the tool's own schema (else 400, nothing written). */
function checkArguments(row: ToolCallRow, args: Record<string, unknown>, deps: CommandDeps) {
  const tool = boardTools({ db: deps.db, taskId: row.task_id, boardId: row.board_id, agentId: null }).find(
    (t) => t.name === row.name,
  );
  if (!tool) return; // not a board tool (another branch's, e.g. mention): it validates when it runs
  const parsed = (
    tool.schema as {
      safeParse(v: unknown): {
        success: boolean;
        error?: { issues: { path: PropertyKey[]; message: string }[] };
      };
    }
  ).safeParse(args);
  if (!parsed.success)
    throw new Invalid(
      `arguments do not fit ${row.name}`,
      (parsed.error?.issues ?? []).map((i) => ({
        path: ['body', 'arguments', ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    );
}

export async function decideToolCall(deps: ToolCallDeps, id: string, decision: Decision) {
  const result = await write<ToolCallRow>(deps, async (trx) => {
    const ref = await trx
      .selectFrom('tool_calls')
      .select(['task_id', 'message_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!ref) throw new NotFound('tool call', id);
    await check(trx, deps.actor, 'write', 'task', ref.task_id);
    // The task, then the message (message-locks.ts), then the call.
    const m = await lockMessage(trx, ref.message_id);
    const row = await trx
      .selectFrom('tool_calls')
      .selectAll()
      .where('id', '=', id)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFound('tool call', id);
    if (row.status !== 'waiting')
      throw new Conflict(`this tool call is not waiting for a decision (it is ${row.status})`);
    if (m.status !== 'waiting_for_user')
      throw new Conflict(`the reply is not waiting for approval (it is ${m.status})`);
    const edited = decision.approve ? decision.body.arguments : undefined;
    if (edited) checkArguments(row, edited, deps);
    const who = deps.actor.kind === 'user' ? deps.actor : undefined;
    const updated = await trx
      .updateTable('tool_calls')
      .set({
        status: decision.approve ? 'running' : 'denied',
        ...(edited ? { arguments: json(edited) } : {}),
        ...(decision.approve ? {} : { deny_reason: decision.body.reason || null, finished_at: sql`now()` }),
        decided_by: who?.userId ?? null,
        decided_by_name: who?.name ?? null,
        decided_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const open = await trx
      .selectFrom('tool_calls')
      .select('name')
      .where('message_id', '=', m.id)
      .where('status', '=', 'waiting')
      .execute();
    if (open.length) {
      await trx
        .updateTable('tasks')
        .set({
          agent_status_message: `waiting for approval: ${[...new Set(open.map((o) => o.name))].join(', ')}`,
        })
        .where('id', '=', m.task_id)
        .where('agent_status', '=', 'waiting_for_user')
        .execute();
      return updated;
    }
    // Every call of the round is decided: the reply is queued again and its run resumes.
    await trx.updateTable('messages').set({ status: 'queued' }).where('id', '=', m.id).execute();
    await trx
      .updateTable('tasks')
      .set({ agent_status: 'queued', agent_status_message: null })
      .where('id', '=', m.task_id)
      .where('agent_status', 'in', ['waiting_for_user', 'idle', 'error'])
      .execute();
    await deps.resumeReply(trx, { messageId: m.id, taskId: m.task_id });
    return updated;
  });
  const data = toolCallJson(result.data);
  deps.publish(data);
  return { data, txid: result.txid };
}
