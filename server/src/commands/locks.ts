import { NotFound } from './errors';
import type { Trx } from './deps';

// Row locks that serialise writers placing rows in the same list (columns of a board,
// tasks of a column). FOR NO KEY UPDATE does not block foreign-key checks of other writers.

export async function lockBoard(trx: Trx, boardId: string): Promise<void> {
  const row = await trx
    .selectFrom('boards')
    .select('id')
    .where('id', '=', boardId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFound('board', boardId);
}

export async function lockColumn(trx: Trx, columnId: string): Promise<{ id: string; board_id: string }> {
  const row = await trx
    .selectFrom('columns')
    .select(['id', 'board_id'])
    .where('id', '=', columnId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFound('column', columnId);
  return row;
}

/** Locks a column and optionally a second one, in id order; 404 names whichever is missing. */
export async function lockColumns(
  trx: Trx,
  first: string,
  second?: string,
): Promise<[{ id: string; board_id: string }, { id: string; board_id: string } | undefined]> {
  const ids = second ? [first, second] : [first];
  const rows = await trx
    .selectFrom('columns')
    .select(['id', 'board_id'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  const find = (id: string) => {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new NotFound('column', id);
    return row;
  };
  return [find(first), second ? find(second) : undefined];
}
