import { sql } from 'kysely';
import type { ColumnRow, TaskRow } from '../db/schema';
import { NotFound } from './errors';
import { actorId, write, type CommandDeps } from './deps';
import { check } from '../policy';
import { recordActivity, recordActivityForColumn } from './activity';

// Archive and restore of cards and columns. Archiving twice (or restoring what is not archived)
// is a no-op that answers the row: two people clicking at once both get what they wanted.
// An archived column's cards are hidden with it and keep their own archived_at.

export function archiveTask(deps: CommandDeps, id: string, archived: boolean) {
  return write<TaskRow>(deps, async (trx) => {
    const { boardId } = await check(trx, deps.actor, 'write', 'task', id);
    const before = await trx
      .selectFrom('tasks')
      .select('archived_at')
      .where('id', '=', id)
      .executeTakeFirst();
    const row = await trx
      .updateTable('tasks')
      .set({
        archived_at: archived ? sql`coalesce(archived_at, now())` : null,
        updated_by: actorId(deps.actor),
      } as never)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    if (!!before?.archived_at !== archived)
      await recordActivity(trx, deps.actor, id, archived ? 'archived' : 'restored');
    // A card restored into an archived column would stay hidden: the column comes back with it.
    if (!archived)
      await trx
        .updateTable('columns')
        .set({ archived_at: null, updated_by: actorId(deps.actor) })
        .where('id', '=', row.column_id)
        .where('board_id', '=', boardId)
        .where('archived_at', 'is not', null)
        .execute();
    return row;
  });
}

export function archiveColumn(deps: CommandDeps, id: string, archived: boolean) {
  return write<ColumnRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'column', id);
    const before = await trx
      .selectFrom('columns')
      .select('archived_at')
      .where('id', '=', id)
      .executeTakeFirst();
    const row = await trx
      .updateTable('columns')
      .set({
        archived_at: archived ? sql`coalesce(archived_at, now())` : null,
        updated_by: actorId(deps.actor),
      } as never)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('column', id);
    // The cards leave the board (or come back) with their column: each one's history says so.
    // A card archived on its own is unchanged by its column and gets no entry.
    if (!!before?.archived_at !== archived)
      await recordActivityForColumn(trx, deps.actor, id, archived ? 'archived' : 'restored');
    return row;
  });
}
