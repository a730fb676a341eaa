import { sql, type Kysely } from 'kysely';
import type { SearchHit } from '@kanban/shared';
import type { Database } from './schema';

/**
 * The words of a query as a prefix tsquery ("log fail" → 'log:* & fail:*'), or undefined when
 * it has no letters or digits. Words are reduced to letters and digits, so no tsquery syntax
 * (& | ! : parentheses, quotes) from the user ever reaches to_tsquery.
 */
export function prefixQuery(q: string): string | undefined {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 10);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : undefined;
}

/** Tasks on boards `userId` is a member of whose title or description match, best first. */
export async function searchTasks(
  db: Kysely<Database>,
  userId: string,
  query: string,
  limit: number,
): Promise<SearchHit[]> {
  // The same expression as the index in migrations/0024_task_search.sql.
  const doc = sql`to_tsvector('simple', t.title || ' ' || t.description)`;
  const { rows } = await sql<SearchHit>`
    SELECT t.id, t.title, t.board_id, b.name AS board_name, t.column_id, c.name AS column_name,
           left(t.description, 160) AS excerpt, t.archived_at IS NOT NULL AS archived
      FROM tasks t
      JOIN board_members m ON m.board_id = t.board_id AND m.user_id = ${userId}
      JOIN boards b ON b.id = t.board_id
      JOIN columns c ON c.id = t.column_id
     WHERE ${doc} @@ to_tsquery('simple', ${query})
     ORDER BY t.archived_at IS NOT NULL, ts_rank(${doc}, to_tsquery('simple', ${query})) DESC, t.updated_at DESC
     LIMIT ${limit}`.execute(db);
  return rows;
}
