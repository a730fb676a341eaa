import { DEFAULT_COLUMNS, type CreateBoardBody } from '@kanban/shared';
import type { BoardRow, ColumnRow } from '../db/schema';
import { Replay, write, type CommandDeps } from './deps';
import { keysAfter } from './placement';
import { replayExisting } from './replay';

export type BoardWithColumns = BoardRow & { columns: ColumnRow[] };

/** Creates a board with its starting columns; a retried create with the same id is a no-op. */
export function createBoard(deps: CommandDeps, input: CreateBoardBody) {
  return write<BoardWithColumns>(deps, async (trx) => {
    const board = await trx
      .insertInto('boards')
      .values({
        ...(input.id ? { id: input.id } : {}),
        name: input.name,
        settings: JSON.stringify(input.settings ?? {}),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!board) {
      const replay = await replayExisting<BoardRow>(trx, 'boards', input.id!, (b) => b.name === input.name);
      const columns = await trx
        .selectFrom('columns')
        .selectAll()
        .where('board_id', '=', input.id!)
        .orderBy('position')
        .execute();
      return new Replay({ ...replay.data, columns }, replay.txid);
    }
    const names = input.columns ?? [...DEFAULT_COLUMNS];
    const keys = keysAfter(null, names.length);
    const columns = names.length
      ? await trx
          .insertInto('columns')
          .values(names.map((name, i) => ({ board_id: board.id, name, position: keys[i]! })))
          .returningAll()
          .execute()
      : [];
    return { ...board, columns };
  });
}
