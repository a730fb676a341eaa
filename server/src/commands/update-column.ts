import type { UpdateColumnBody } from '@kanban/shared';
import type { ColumnRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps, actorId } from './deps';
import { check } from '../policy';
import { setColumnHook } from './column-hooks';

/**
 * Renames a column and/or sets its hook (column-hooks.ts). Renaming needs `write`; the hook is
 * a board setting (`manage-settings`): an editor sending one gets 403 and nothing changes.
 */
export async function updateColumn(deps: CommandDeps, id: string, input: UpdateColumnBody) {
  let boardId: string | undefined;
  const result = await write<ColumnRow>(deps, async (trx) => {
    const col = await check(
      trx,
      deps.actor,
      input.hook !== undefined ? 'manage-settings' : 'write',
      'column',
      id,
    );
    boardId = col.boardId;
    let row: ColumnRow | undefined;
    if (input.name !== undefined)
      row = await trx
        .updateTable('columns')
        .set({ name: input.name, updated_by: actorId(deps.actor) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    if (input.hook !== undefined)
      row = await setColumnHook(trx, deps, { id, boardId: col.boardId }, input.hook);
    if (!row) throw new NotFound('column', id);
    return row;
  });
  // The board's settings view lists hooks beside the agents (contract: agents.changed).
  if (input.hook !== undefined && boardId) deps.agents?.agentsChanged(boardId);
  return result;
}
