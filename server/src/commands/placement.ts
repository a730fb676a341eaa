import { sql, type RawBuilder } from 'kysely';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import type { Placement } from '@kanban/shared';
import { Invalid } from './errors';
import type { Trx } from './deps';

/** The ordered list a row is placed in: the tasks of a column, or the columns of a board. */
export interface Siblings {
  table: 'tasks' | 'columns';
  parent: 'column_id' | 'board_id';
  parentId: string;
  /** The row being moved, which is not its own neighbour. */
  excludeId?: string;
}

const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The fractional key for a row placed among its siblings. The caller holds the lock that
 * serialises writers of this list, so the neighbours read here are the current ones: "after X"
 * lands between X and whatever follows X now, and concurrent moves never collide. Only the one
 * or two neighbouring rows are read (through the (parent, position) unique index), never the list.
 */
export async function placeKey(trx: Trx, list: Siblings, placement: Placement | undefined): Promise<string> {
  const rows = async (where: RawBuilder<unknown>, order: 'ASC' | 'DESC', limit: number, offset = 0) =>
    (
      await sql<{ id: string; position: string }>`
        SELECT id, position FROM ${sql.table(list.table)}
        WHERE ${sql.ref(list.parent)} = ${list.parentId} AND id <> ${list.excludeId ?? NO_ID} AND ${where}
        ORDER BY position ${sql.raw(order)} LIMIT ${limit} OFFSET ${offset}`.execute(trx)
    ).rows;
  const all = sql`true`;
  const first = async () => (await rows(all, 'ASC', 1))[0]?.position ?? null;
  const last = async () => (await rows(all, 'DESC', 1))[0]?.position ?? null;
  const sibling = async (id: string, field: string) => {
    const row = (await rows(sql`id = ${id}`, 'ASC', 1))[0];
    if (!row) throw new Invalid(`placement.${field}: ${id} is not a sibling of this row`);
    return row.position;
  };

  const { index, afterId, beforeId } = placement ?? {};
  if (index === undefined && afterId == null && beforeId == null) {
    // No placement: the end. An explicit afterId: null with no beforeId means the start.
    return afterId === null && beforeId === undefined
      ? generateKeyBetween(null, await first())
      : generateKeyBetween(await last(), null);
  }
  if (index !== undefined) {
    if (index === 0) return generateKeyBetween(null, await first());
    const [a, b] = await rows(all, 'ASC', 2, index - 1);
    return a ? generateKeyBetween(a.position, b?.position ?? null) : generateKeyBetween(await last(), null);
  }
  if (afterId != null) {
    const after = await sibling(afterId, 'afterId');
    if (beforeId != null && (await sibling(beforeId, 'beforeId')) < after)
      throw new Invalid('placement: beforeId comes before afterId');
    const next = (await rows(sql`position > ${after}`, 'ASC', 1))[0]?.position ?? null;
    return generateKeyBetween(after, next);
  }
  const before = await sibling(beforeId!, 'beforeId');
  const prev = (await rows(sql`position < ${before}`, 'DESC', 1))[0]?.position ?? null;
  return generateKeyBetween(prev, before);
}

/** Keys for `n` rows appended after `last`, in order. */
export function keysAfter(last: string | null, n: number): string[] {
  return generateNKeysBetween(last, null, n);
}
