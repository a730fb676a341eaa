import type { UpdateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { Invalid, NotFound } from './errors';
import { check } from '../policy';
import { actorId, write, type CommandDeps } from './deps';
import { checkLabels } from './labels';

/** Edits a task's title, description, priority, model or assignees (members); only the given fields change. */
export function updateTask(deps: CommandDeps, id: string, input: UpdateTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    const task = await check(trx, deps.actor, 'write', 'task', id);
    const { assigneeIds, labelIds, dueDate, ...fields } = input;
    const labels = labelIds && [...new Set(labelIds.map((l) => l.toLowerCase()))];
    if (labels) await checkLabels(trx, task.boardId, labels);
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
      .set({
        ...fields,
        ...(assignees ? { assignee_ids: assignees } : {}),
        ...(labels ? { label_ids: labels } : {}),
        ...(dueDate !== undefined ? { due_date: dueDate } : {}),
        updated_by: actorId(deps.actor),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    return row;
  });
}
