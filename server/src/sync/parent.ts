import type { Pool } from 'pg';

// A scoped shape (the tasks of a board, the messages of a task) exists only while its parent row
// does: without this check every random id in a URL would cost a snapshot query and a live log.

export interface ShapeParent {
  /** The parent table, e.g. boards; its primary key is `id`. */
  table: 'boards' | 'tasks' | 'user';
  id: string;
  /** For the 404: "board", "task". */
  what: string;
}

export async function parentExists(pool: Pool, p: ShapeParent): Promise<boolean> {
  // The table name comes from SHAPES (shapes.ts), never from the request.
  const { rowCount } = await pool.query(`SELECT 1 FROM public."${p.table}" WHERE id = $1`, [p.id]);
  return (rowCount ?? 0) > 0;
}
