import type { MoveTaskBody, WriteResult } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { write, WRITE_ATTEMPTS, type CommandDeps } from './deps';
import { NotFound } from './errors';
import { check } from '../policy';
import { fireColumnHook } from './column-hooks';
import { keyClash, moveTaskRow } from './task-writes';

/**
 * Moves a task to a place in a column, possibly on another board (its messages follow).
 * The key is computed under the target column's lock from the neighbours as they are now, in
 * one statement (commands/task-writes.ts) after the policy checks. A column with a hook makes
 * the move a transaction instead: the hook's run is sent in the move's own transaction, so one
 * committed move is exactly one run (column-hooks.ts).
 */
export async function moveTask(
  deps: CommandDeps,
  id: string,
  input: MoveTaskBody,
): Promise<WriteResult<TaskRow>> {
  // Moving to another board writes there too: the actor must be allowed on both. The task's
  // answer comes first when both refuse (as when they ran one after the other). Whether the
  // target has a hook is read beside them (no extra round trip on the common path); a hook set
  // in the same instant as the move may miss that one move.
  const [task, column, hooked] = await Promise.allSettled([
    check(deps.db, deps.actor, 'write', 'task', id),
    check(deps.db, deps.actor, 'write', 'column', input.columnId),
    deps.agents ? hasHook(deps, input.columnId) : Promise.resolve(false),
  ]);
  if (task.status === 'rejected') throw task.reason;
  if (column.status === 'rejected') throw column.reason;
  if (hooked.status === 'rejected') throw hooked.reason;
  if (!hooked.value) return moveTaskRow(deps, id, input.columnId, input.placement);
  // write() runs the transaction again on a deadlock; an append that drew another one's key
  // (migrations/0080) is run again here, as writeStatement does for the one statement.
  for (let attempt = 1; ; attempt++) {
    try {
      return await hookedMove(deps, id, input);
    } catch (err) {
      if (attempt >= WRITE_ATTEMPTS || !keyClash(err)) throw err;
    }
  }
}

function hookedMove(deps: CommandDeps, id: string, input: MoveTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    const before = await trx.selectFrom('tasks').select('column_id').where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFound('task', id);
    const { data } = await moveTaskRow(deps, id, input.columnId, input.placement, trx);
    await fireColumnHook(trx, deps, {
      taskId: id,
      fromColumnId: before.column_id,
      toColumnId: data.column_id,
    });
    return data;
  });
}

async function hasHook(deps: CommandDeps, columnId: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('columns')
    .select('hook_agent_id')
    .where('id', '=', columnId)
    .executeTakeFirst();
  return row?.hook_agent_id != null;
}
