import type { DeleteColumnQuery } from '@kanban/shared';
import { badRequest, conflict } from '../http/problem';
import { write, type CommandDeps } from './deps';
import { lockColumn } from './locks';
import { keysAfter } from './placement';

/**
 * Deletes a column. The rule for its tasks: an empty column just goes; otherwise the caller
 * must say `moveTasksTo=<column of the same board>` (appended there, order kept) or
 * `deleteTasks=true` (tasks and their messages are deleted). Without either: 409.
 */
export function deleteColumn(deps: CommandDeps, id: string, query: DeleteColumnQuery) {
  return write(deps, async (trx) => {
    const col = await lockColumn(trx, id);
    const tasks = await trx
      .selectFrom('tasks')
      .select(['id'])
      .where('column_id', '=', id)
      .orderBy('position')
      .execute();
    let moved = 0;
    if (tasks.length && query.moveTasksTo) {
      if (query.moveTasksTo === id)
        throw badRequest('moveTasksTo: cannot move tasks into the column being deleted');
      const target = await lockColumn(trx, query.moveTasksTo);
      if (target.board_id !== col.board_id) throw badRequest('moveTasksTo: the column is on another board');
      const last = await trx
        .selectFrom('tasks')
        .select('position')
        .where('column_id', '=', target.id)
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      const keys = keysAfter(last?.position ?? null, tasks.length);
      for (const [i, t] of tasks.entries()) {
        await trx
          .updateTable('tasks')
          .set({ column_id: target.id, position: keys[i]! })
          .where('id', '=', t.id)
          .execute();
      }
      moved = tasks.length;
    } else if (tasks.length && query.deleteTasks === 'true') {
      await trx.deleteFrom('tasks').where('column_id', '=', id).execute();
    } else if (tasks.length) {
      throw conflict(
        `column ${id} still has ${tasks.length} task(s); pass ?moveTasksTo=<columnId> or ?deleteTasks=true`,
      );
    }
    await trx.deleteFrom('columns').where('id', '=', id).execute();
    return { id, movedTasks: moved, deletedTasks: query.deleteTasks === 'true' ? tasks.length : 0 };
  });
}
