import type { DeleteColumnQuery } from '@kanban/shared';
import { Invalid, Conflict } from './errors';
import { write, type CommandDeps } from './deps';
import { lockColumns } from './locks';
import { keysAfter } from './placement';
import { check } from '../policy';

/**
 * Deletes a column. The rule for its tasks: an empty column just goes; otherwise the caller
 * must say `moveTasksTo=<column of the same board>` (appended there, order kept) or
 * `deleteTasks=true` (tasks and their messages are deleted). Without either: 409.
 */
export function deleteColumn(deps: CommandDeps, id: string, query: DeleteColumnQuery) {
  return write(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'column', id);
    if (query.moveTasksTo === id)
      throw new Invalid('moveTasksTo: cannot move tasks into the column being deleted');
    // Both columns are locked in id order: two deletes moving tasks into each other would
    // otherwise each hold one lock and wait for the other (a deadlock, then a 500).
    const [col, target] = await lockColumns(trx, id, query.moveTasksTo);
    const tasks = await trx
      .selectFrom('tasks')
      .select(['id', 'archived_at'])
      .where('column_id', '=', id)
      .orderBy('position')
      .execute();
    let moved = 0;
    // The target is checked even when there is nothing to move: a wrong target is a mistake.
    if (target && target.board_id !== col.board_id)
      throw new Invalid('moveTasksTo: the column is on another board');
    if (tasks.length && query.moveTasksTo) {
      const last = await trx
        .selectFrom('tasks')
        .select('position')
        .where('column_id', '=', query.moveTasksTo)
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      const keys = keysAfter(last?.position ?? null, tasks.length);
      for (const [i, t] of tasks.entries()) {
        await trx
          .updateTable('tasks')
          .set({ column_id: query.moveTasksTo, position: keys[i]! })
          .where('id', '=', t.id)
          // A task moved out meanwhile (moves lock only their target column) stays where it went.
          .where('column_id', '=', id)
          .execute();
      }
      moved = tasks.length;
    } else if (tasks.length && query.deleteTasks === 'true') {
      await trx.deleteFrom('tasks').where('column_id', '=', id).execute();
    } else if (tasks.length) {
      // Archived cards count: they are hidden from the board, not gone, and the column's delete
      // would take them (and their chats) with it. The sentence names them, since the board
      // shows no card to explain why a column that looks empty cannot simply go.
      throw new Conflict(
        `column ${id} still has ${holds(tasks)}; pass ?moveTasksTo=<columnId> or ?deleteTasks=true`,
      );
    }
    await trx.deleteFrom('columns').where('id', '=', id).execute();
    return { id, movedTasks: moved, deletedTasks: query.deleteTasks === 'true' ? tasks.length : 0 };
  });
}

const cards = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** "2 cards and 1 archived card", "1 archived card": what a column still holds. */
function holds(tasks: { archived_at: Date | null }[]): string {
  const archived = tasks.filter((t) => t.archived_at).length;
  const shown = tasks.length - archived;
  return [shown && cards(shown, 'card'), archived && cards(archived, 'archived card')]
    .filter(Boolean)
    .join(' and ');
}
