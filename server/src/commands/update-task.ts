import type { UpdateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps } from './deps';

/** Edits a task's title, description, priority or model; only the given fields change. */
export function updateTask(deps: CommandDeps, id: string, input: UpdateTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    const row = await trx
      .updateTable('tasks')
      .set(input)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    return row;
  });
}
