import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor';
import type { Database } from '../db/schema';
import { NotFound } from '../commands/errors';
import type { Resource } from './index';
import type { Role } from './roles';

export type Kind = Resource['kind'];
const TABLE = {
  board: 'boards',
  column: 'columns',
  task: 'tasks',
  message: 'messages',
  label: 'labels',
  agent: 'agents',
} as const;

export type BoardAccess = Resource;

/**
 * Loads what the policy needs about one row: its board and the actor's role there, in one query
 * (inside the command's transaction when given one). NotFound when the row does not exist.
 */
export async function boardAccess(
  db: Kysely<Database>,
  actor: Actor,
  kind: Kind,
  id: string,
): Promise<Resource> {
  const table = TABLE[kind];
  const boardCol = kind === 'board' ? 'id' : 'board_id';
  const userId = actor.kind === 'user' ? actor.userId : null;
  const { rows } = await sql<{ board_id: string; role: Role | null }>`
    SELECT t.${sql.ref(boardCol)} AS board_id,
           (SELECT m.role FROM board_members m WHERE m.board_id = t.${sql.ref(boardCol)} AND m.user_id = ${userId}) AS role
      FROM ${sql.table(table)} t WHERE t.id = ${id}`.execute(db);
  const row = rows[0];
  if (!row) throw new NotFound(kind, id);
  return { kind, id, boardId: row.board_id, role: row.role };
}

/** The actor's role on a board, null when not a member (or the board does not exist). */
export async function roleOn(db: Kysely<Database>, actor: Actor, boardId: string): Promise<Role | null> {
  if (actor.kind === 'system') return 'owner';
  if (actor.kind === 'agent') return actor.boardId === boardId ? 'editor' : null;
  const row = await db
    .selectFrom('board_members')
    .select('role')
    .where('board_id', '=', boardId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return row?.role ?? null;
}
