import { CompiledQuery } from 'kysely';
import type { UpdateTaskBody, WriteResult } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { descriptionETag } from '@kanban/shared';
import { Conflict, NotFound } from './errors';
import { check } from '../policy';
import { actorId, write, Written, type CommandDeps } from './deps';
import { delegateTask } from './delegate';
import { domainError, writeStatement } from './task-writes';

export interface UpdateTaskPrecondition {
  /** `If-Match`: the description's ETag (descriptionETag) as the editor last saw it. */
  ifDescription?: string;
}

/**
 * Edits a task's title, description, priority, model, assignees (members), labels, due date or
 * agent; only the given fields change. With `ifDescription`, the description is only replaced
 * if it is still the text the editor started from (checked under the row's lock), else
 * Conflict: both texts survive.
 *
 * The edit itself is one statement (migrations/0100 kanban_update_task: lock, checks, update,
 * activity), after the policy check: two round trips. A transaction around it only when
 * something must happen under the same lock: the description's precondition (read before the
 * write), or a delegation (the agent's run is sent in the edit's own transaction, so one
 * committed change is one run).
 */
export async function updateTask(
  deps: CommandDeps,
  id: string,
  input: UpdateTaskBody,
  pre: UpdateTaskPrecondition = {},
): Promise<WriteResult<TaskRow>> {
  const fields = fieldsOf(input);
  const delegating = input.agentId != null && deps.agents !== undefined;
  if (pre.ifDescription === undefined && !delegating) {
    const task = await check(deps.db, deps.actor, 'write', 'task', id);
    const out = await writeStatement(() => updateRow(deps.db, deps, id, task.boardId, fields));
    return { data: out.row, txid: out.txid };
  }
  return write<TaskRow>(deps, async (trx) => {
    const task = await check(trx, deps.actor, 'write', 'task', id);
    if (pre.ifDescription !== undefined) {
      const current = await trx
        .selectFrom('tasks')
        .select('description')
        .where('id', '=', id)
        .forNoKeyUpdate() // FOR NO KEY UPDATE: see docs/locking.md
        .executeTakeFirst();
      if (!current) throw new NotFound('task', id);
      if (descriptionETag(current.description) !== pre.ifDescription)
        throw new Conflict(
          'the description was changed by someone else since you started editing it; nothing was saved',
        );
    }
    let out;
    try {
      out = await updateRow(trx, deps, id, task.boardId, fields);
    } catch (err) {
      throw domainError(err);
    }
    // Given to a (new) agent: it starts on the task (delegate.ts).
    const agentId = out.row.agent_id;
    if (agentId !== null && out.agentHandle !== null && out.beforeAgentId !== agentId)
      await delegateTask(trx, deps, out.row, { id: agentId, handle: out.agentHandle });
    return new Written(out.row, out.txid);
  });
}

/** The body as kanban_update_task takes it: column names, only the given fields, lists once. */
function fieldsOf(input: UpdateTaskBody): Record<string, unknown> {
  const { assigneeIds, labelIds, dueDate, agentId, ...rest } = input;
  const out: Record<string, unknown> = { ...rest };
  if (assigneeIds) out.assignee_ids = [...new Set(assigneeIds)];
  if (labelIds) out.label_ids = [...new Set(labelIds.map((l) => l.toLowerCase()))];
  if (dueDate !== undefined) out.due_date = dueDate;
  if (agentId !== undefined) out.agent_id = agentId;
  return out;
}

// SQL text written once (no query builder per request: issue 13, docs/performance.md).
const UPDATE_SQL = `SELECT (r.task).*, r.before_agent_id, r.agent_handle, pg_current_xact_id()::xid::text AS txid
  FROM kanban_update_task($1, $2, $3, $4, $5::jsonb) r`;

type Returned = TaskRow & { before_agent_id: string | null; agent_handle: string | null; txid: string };

async function updateRow(
  db: CommandDeps['db'],
  deps: CommandDeps,
  id: string,
  boardId: string,
  fields: Record<string, unknown>,
) {
  const { actor } = deps;
  const { rows } = await db.executeQuery<Returned>(
    CompiledQuery.raw(UPDATE_SQL, [
      id,
      boardId,
      actorId(actor),
      actor.kind === 'user' ? actor.name : null,
      JSON.stringify(fields),
    ]),
  );
  const out = rows[0];
  if (!out) throw new NotFound('task', id);
  const { before_agent_id, agent_handle, txid, ...row } = out;
  return { row, txid: Number(txid), beforeAgentId: before_agent_id, agentHandle: agent_handle };
}
