import type { UpdateColumnBody } from '@kanban/shared';
import type { ColumnRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps } from './deps';

/** Renames a column. */
export function updateColumn(deps: CommandDeps, id: string, input: UpdateColumnBody) {
  return write<ColumnRow>(deps, async (trx) => {
    const row = await trx
      .updateTable('columns')
      .set({ name: input.name })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('column', id);
    return row;
  });
}
