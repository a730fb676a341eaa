import { sql } from 'kysely';
import { Conflict } from './errors';
import { Replay, type Trx } from './deps';

type Table = 'boards' | 'columns' | 'tasks' | 'messages' | 'labels';

/**
 * A create whose client-chosen id already exists: the same request again is a replay and
 * answers the stored row; a different request with that id is a conflict.
 */
export async function replayExisting<T>(
  trx: Trx,
  table: Table,
  id: string,
  matches: (row: T) => boolean,
): Promise<Replay<T>> {
  const row = (await trx
    .selectFrom(table)
    .selectAll()
    .select(sql<string>`xmin::text`.as('xmin'))
    .where('id', '=', id)
    .executeTakeFirst()) as (T & { xmin: string }) | undefined;
  if (!row) throw new Conflict(`id ${id} is taken`);
  const { xmin, ...data } = row;
  if (!matches(data as T)) throw new Conflict(`a different ${table.slice(0, -1)} already has id ${id}`);
  return new Replay(data as T, Number(xmin));
}
