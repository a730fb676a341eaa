import { sql } from 'kysely';
import type { Actor } from '../auth/actor';
import type { TaskActivityKind } from '../db/schema';
import type { Trx } from './deps';

/** Writes one activity entry of a task, inside the command's own transaction. */
export async function recordActivity(
  trx: Trx,
  actor: Actor,
  taskId: string,
  kind: TaskActivityKind,
  data: Record<string, unknown> = {},
): Promise<void> {
  await trx
    .insertInto('task_activity')
    .values({
      task_id: taskId,
      actor_id: actor.kind === 'user' ? actor.userId : null,
      actor_name: actor.kind === 'user' ? actor.name : null,
      kind,
      data: JSON.stringify(data),
    })
    .execute();
}

/**
 * One entry (`{ columnId }`) on every card of a column that is not archived on its own, in one
 * statement: a column of a thousand cards is one insert, not a thousand.
 */
export async function recordActivityForColumn(
  trx: Trx,
  actor: Actor,
  columnId: string,
  kind: 'archived' | 'restored',
): Promise<void> {
  const actorId = actor.kind === 'user' ? actor.userId : null;
  const actorName = actor.kind === 'user' ? actor.name : null;
  await sql`
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    SELECT id, ${actorId}, ${actorName}, ${kind}, jsonb_build_object('columnId', column_id)
      FROM tasks
     WHERE column_id = ${columnId} AND archived_at IS NULL
     ORDER BY position`.execute(trx);
}
