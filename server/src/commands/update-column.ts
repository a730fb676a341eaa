import type { UpdateColumnBody } from '@kanban/shared';
import type { ColumnRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps, actorId } from './deps';
import { check } from '../policy';

/** Renames a column. */
export function updateColumn(deps: CommandDeps, id: string, input: UpdateColumnBody) {
  return write<ColumnRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'column', id);
    const row = await trx
      .updateTable('columns')
      .set({ name: input.name, updated_by: actorId(deps.actor) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('column', id);
    return row;
  });
}
