import type { UpdateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { Invalid, NotFound } from './errors';
import { check } from '../policy';
import { actorId, write, type CommandDeps } from './deps';

/** Edits a task's title, description, priority, model, assignees (members) or agent; only the given fields change. */
export function updateTask(deps: CommandDeps, id: string, input: UpdateTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    const task = await check(trx, deps.actor, 'write', 'task', id);
    const { assigneeIds, agentId, ...fields } = input;
    if (agentId) {
      const agent = await trx
        .selectFrom('agents')
        .select('id')
        .where('id', '=', agentId)
        .where('board_id', '=', task.boardId)
        .executeTakeFirst();
      if (!agent) throw new Invalid(`agentId: ${agentId} is not an agent of this board`);
    }
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
        ...(agentId !== undefined ? { agent_id: agentId } : {}),
        updated_by: actorId(deps.actor),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    return row;
  });
}
