import type { CreateColumnBody } from '@kanban/shared';
import type { ColumnRow } from '../db/schema';
import { write, type CommandDeps } from './deps';
import { lockBoard } from './locks';
import { keyFor } from './placement';
import { replayExisting } from './replay';

/** Adds a column to a board at the given place (default: last). */
export function createColumn(deps: CommandDeps, boardId: string, input: CreateColumnBody) {
  return write<ColumnRow>(deps, async (trx) => {
    await lockBoard(trx, boardId);
    const siblings = await trx
      .selectFrom('columns')
      .select(['id', 'position'])
      .where('board_id', '=', boardId)
      .orderBy('position')
      .execute();
    const row = await trx
      .insertInto('columns')
      .values({
        ...(input.id ? { id: input.id } : {}),
        board_id: boardId,
        name: input.name,
        position: keyFor(siblings, input.placement),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    return (
      row ??
      replayExisting<ColumnRow>(
        trx,
        'columns',
        input.id!,
        (c) => c.board_id === boardId && c.name === input.name,
      )
    );
  });
}
