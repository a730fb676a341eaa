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
