import { notFound } from '../http/problem';
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
  if (!row) throw notFound('board', boardId);
}

export async function lockColumn(trx: Trx, columnId: string): Promise<{ id: string; board_id: string }> {
  const row = await trx
    .selectFrom('columns')
    .select(['id', 'board_id'])
    .where('id', '=', columnId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('column', columnId);
  return row;
}
