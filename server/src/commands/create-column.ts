import type { CreateColumnBody } from '@kanban/shared';
import type { ColumnRow } from '../db/schema';
import { write, type CommandDeps, actorId } from './deps';
import { lockBoard } from './locks';
import { placeKey } from './placement';
import { replayExisting } from './replay';
import { check } from '../policy';

/** Adds a column to a board at the given place (default: last). */
export function createColumn(deps: CommandDeps, boardId: string, input: CreateColumnBody) {
  return write<ColumnRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'board', boardId);
    await lockBoard(trx, boardId);
    const position = await placeKey(
      trx,
      { table: 'columns', parent: 'board_id', parentId: boardId },
      input.placement,
    );
    const row = await trx
      .insertInto('columns')
      .values({
        ...(input.id ? { id: input.id } : {}),
        board_id: boardId,
        name: input.name,
        position,
        created_by: actorId(deps.actor),
        updated_by: actorId(deps.actor),
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
