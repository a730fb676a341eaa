import { sql, type Kysely } from 'kysely';
import type { ListTasksQuery } from '@kanban/shared';
import type { Database } from './schema';

// Reads, named by intent. Writes live in commands/.

/** The boards a user is a member of, with their role there. */
export const listBoards = (db: Kysely<Database>, userId: string) =>
  db
    .selectFrom('boards')
    .innerJoin('board_members as m', (j) =>
      j.onRef('m.board_id', '=', 'boards.id').on('m.user_id', '=', userId),
    )
    .selectAll('boards')
    .select('m.role')
    .orderBy('boards.created_at')
    .execute();

export const findBoard = (db: Kysely<Database>, id: string) =>
  db.selectFrom('boards').selectAll().where('id', '=', id).executeTakeFirst();

export const listColumns = (db: Kysely<Database>, boardId: string) =>
  db.selectFrom('columns').selectAll().where('board_id', '=', boardId).orderBy('position').execute();

export const findTask = (db: Kysely<Database>, id: string) =>
  db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();

/** Tasks of a board in board order (column order, then position), with the filters of the list route. */
export function listTasks(db: Kysely<Database>, boardId: string, f: ListTasksQuery) {
  let q = db
    .selectFrom('tasks')
    .innerJoin('columns', 'columns.id', 'tasks.column_id')
    .selectAll('tasks')
    .where('tasks.board_id', '=', boardId);
  if (f.column) q = q.where('tasks.column_id', '=', f.column);
  if (f.priority) q = q.where('tasks.priority', '=', f.priority);
  if (f.agentStatus) q = q.where('tasks.agent_status', '=', f.agentStatus);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('tasks.title', 'ilike', like), eb('tasks.description', 'ilike', like)]));
  }
  return q
    .orderBy('columns.position')
    .orderBy('tasks.position')
    .limit(f.limit ?? 500)
    .execute();
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
