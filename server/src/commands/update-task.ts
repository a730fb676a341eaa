import type { UpdateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { descriptionETag } from '@kanban/shared';
import { Conflict, Invalid, NotFound } from './errors';
import { check } from '../policy';
import { actorId, write, type CommandDeps } from './deps';

export interface UpdateTaskPrecondition {
  /** `If-Match`: the description's ETag (descriptionETag) as the editor last saw it. */
  ifDescription?: string;
}

/**
 * Edits a task's title, description, priority, model or assignees (members); only the given
 * fields change. With `ifDescription`, the description is only replaced if it is still the text
 * the editor started from (checked under the row's lock), else Conflict: both texts survive.
 */
export function updateTask(
  deps: CommandDeps,
  id: string,
  input: UpdateTaskBody,
  pre: UpdateTaskPrecondition = {},
) {
  return write<TaskRow>(deps, async (trx) => {
    const task = await check(trx, deps.actor, 'write', 'task', id);
    if (pre.ifDescription !== undefined) {
      const current = await trx
        .selectFrom('tasks')
        .select('description')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw new NotFound('task', id);
      if (descriptionETag(current.description) !== pre.ifDescription)
        throw new Conflict(
          'the description was changed by someone else since you started editing it; nothing was saved',
        );
    }
    const { assigneeIds, ...fields } = input;
    const assignees = assigneeIds && [...new Set(assigneeIds)];
    if (assignees?.length) {
      const members = await trx
        .selectFrom('board_members')
        .select('user_id')
        .where('board_id', '=', task.boardId)
        .where('user_id', 'in', assignees)
        .execute();
      const missing = assignees.filter((u) => !members.some((m) => m.user_id === u));
      if (missing.length)
        throw new Invalid(
          `assigneeIds: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not a member of this board`,
        );
    }
    const row = await trx
      .updateTable('tasks')
      .set({ ...fields, ...(assignees ? { assignee_ids: assignees } : {}), updated_by: actorId(deps.actor) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    return row;
  });
}
