import type { MoveTaskBody, WriteResult } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import type { CommandDeps } from './deps';
import { check } from '../policy';
import { moveTaskRow } from './task-writes';

/**
 * Moves a task to a place in a column, possibly on another board (its messages follow).
 * The key is computed under the target column's lock from the neighbours as they are now, in
 * one statement (commands/task-writes.ts) after the policy checks.
 */
export async function moveTask(
  deps: CommandDeps,
  id: string,
  input: MoveTaskBody,
): Promise<WriteResult<TaskRow>> {
  // Moving to another board writes there too: the actor must be allowed on both. The task's
  // answer comes first when both refuse (as when they ran one after the other).
  const [task, column] = await Promise.allSettled([
    check(deps.db, deps.actor, 'write', 'task', id),
    check(deps.db, deps.actor, 'write', 'column', input.columnId),
  ]);
  if (task.status === 'rejected') throw task.reason;
  if (column.status === 'rejected') throw column.reason;
  return moveTaskRow(deps, id, input.columnId, input.placement);
}
