import type { Kysely } from 'kysely';
import type { ListMessagesQuery } from '@kanban/shared';
import type { Database, MessageRow } from '../db/schema';

// A read (kept beside the message commands): one page of a task's history by seq cursor.

/** The page before `before` (or the newest), oldest first, and the cursor of the page before it. */
export async function listMessages(
  db: Kysely<Database>,
  taskId: string,
  q: ListMessagesQuery,
): Promise<{ data: MessageRow[]; nextBefore: string | null }> {
  const limit = q.limit ?? 50;
  let query = db.selectFrom('messages').selectAll().where('task_id', '=', taskId);
  if (q.before) query = query.where('seq', '<', q.before);
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit).reverse();
  return { data: page, nextBefore: more && page[0] ? page[0].seq : null };
}
