import { DEFAULT_COLUMNS, type CreateBoardBody } from '@kanban/shared';
import type { BoardRow, ColumnRow } from '../db/schema';
import { Replay, actorId, write, type CommandDeps } from './deps';
import { check } from '../policy';
import { keysAfter } from './placement';
import { replayExisting } from './replay';

export type BoardWithColumns = BoardRow & { columns: ColumnRow[] };

/**
 * Creates a board with its starting columns, its creator as owner; a retried create with the same
 * id is a no-op.
 */
export function createBoard(deps: CommandDeps, input: CreateBoardBody) {
  return write<BoardWithColumns>(deps, async (trx) => {
    const board = await trx
      .insertInto('boards')
      .values({
        ...(input.id ? { id: input.id } : {}),
        name: input.name,
        settings: JSON.stringify(input.settings ?? {}),
        created_by: actorId(deps.actor),
        updated_by: actorId(deps.actor),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!board) {
      // A retried create answers the stored board only to someone who may read it.
      await check(trx, deps.actor, 'read', 'board', input.id!);
      const replay = await replayExisting<BoardRow>(trx, 'boards', input.id!, (b) => b.name === input.name);
      const columns = await trx
        .selectFrom('columns')
        .selectAll()
        .where('board_id', '=', input.id!)
        .orderBy('position')
        .execute();
      return new Replay({ ...replay.data, columns }, replay.txid);
    }
    // The creator owns the board (the system actor's boards wait for the first account).
    const by = actorId(deps.actor);
    if (by)
      await trx
        .insertInto('board_members')
        .values({ board_id: board.id, user_id: by, role: 'owner' })
        .execute();
    const names = input.columns ?? [...DEFAULT_COLUMNS];
    const keys = keysAfter(null, names.length);
    const columns = names.length
      ? await trx
          .insertInto('columns')
          .values(
            names.map((name, i) => ({
              board_id: board.id,
              name,
              position: keys[i]!,
              created_by: by,
              updated_by: by,
            })),
          )
          .returningAll()
          .execute()
      : [];
    return { ...board, columns };
  });
}
