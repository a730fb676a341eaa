import type { MoveColumnBody } from '@kanban/shared';
import type { ColumnRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps, actorId } from './deps';
import { lockBoard } from './locks';
import { placeKey } from './placement';
import { check } from '../policy';

/** Reorders a column within its board; the server computes the new key under the board lock. */
export function moveColumn(deps: CommandDeps, id: string, input: MoveColumnBody) {
  return write<ColumnRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'column', id);
    const col = await trx.selectFrom('columns').select('board_id').where('id', '=', id).executeTakeFirst();
    if (!col) throw new NotFound('column', id);
    await lockBoard(trx, col.board_id);
    const position = await placeKey(
      trx,
      { table: 'columns', parent: 'board_id', parentId: col.board_id, excludeId: id },
      input.placement,
    );
    return trx
      .updateTable('columns')
      .set({ position, updated_by: actorId(deps.actor) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
