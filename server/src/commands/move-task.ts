import type { MoveTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps, actorId } from './deps';
import { lockColumn } from './locks';
import { placeKey } from './placement';
import { check } from '../policy';
import { recordActivity } from './activity';
import { fireColumnHook } from './column-hooks';

/**
 * Moves a task to a place in a column, possibly on another board (its messages follow).
 * The key is computed under the target column's lock from the neighbours as they are now.
 */
export function moveTask(deps: CommandDeps, id: string, input: MoveTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'task', id);
    // Moving to another board writes there too: the actor must be allowed on both.
    await check(trx, deps.actor, 'write', 'column', input.columnId);
    const task = await trx
      .selectFrom('tasks')
      .select(['id', 'board_id', 'column_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!task) throw new NotFound('task', id);
    const col = await lockColumn(trx, input.columnId);
    const position = await placeKey(
      trx,
      { table: 'tasks', parent: 'column_id', parentId: col.id, excludeId: id },
      input.placement,
    );
    const row = await trx
      .updateTable('tasks')
      .set({
        board_id: col.board_id,
        column_id: col.id,
        position,
        updated_by: actorId(deps.actor),
        // labels belong to a board: a task moved to another board leaves them behind
        ...(col.board_id !== task.board_id ? { label_ids: [] } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    // A reorder within its column is not history; a change of column (or board) is.
    if (task.column_id !== row.column_id)
      await recordActivity(trx, deps.actor, id, 'moved', {
        fromColumnId: task.column_id,
        toColumnId: row.column_id,
        ...(task.board_id !== row.board_id ? { fromBoardId: task.board_id, toBoardId: row.board_id } : {}),
      });
    // A card entering a column with a hook starts that agent, in this transaction (column-hooks.ts).
    await fireColumnHook(trx, deps, { taskId: id, fromColumnId: task.column_id, toColumnId: row.column_id });
    return row;
  });
}
