import { CompiledQuery, type Kysely } from 'kysely';
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

// The one query of every policy check, as SQL text per kind, written once: it runs before every
// command, and building it with kysely's sql template each time was a measurable part of a
// request's CPU (issue 13, docs/performance.md). Names come from TABLE, never from input.
const ACCESS_SQL = Object.fromEntries(
  Object.entries(TABLE).map(([kind, table]) => {
    const boardCol = kind === 'board' ? 'id' : 'board_id';
    return [
      kind,
      `SELECT t.${boardCol} AS board_id,
              (SELECT m.role FROM board_members m WHERE m.board_id = t.${boardCol} AND m.user_id = $1) AS role
         FROM ${table} t WHERE t.id = $2`,
    ];
  }),
) as Record<Kind, string>;

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
  const userId = actor.kind === 'user' ? actor.userId : null;
  const { rows } = await db.executeQuery<{ board_id: string; role: Role | null }>(
    CompiledQuery.raw(ACCESS_SQL[kind], [userId, id]),
  );
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
