import { NotFound } from './errors';
import { write, type CommandDeps } from './deps';
import { check } from '../policy';

/** Deletes a task and its messages. */
export function deleteTask(deps: CommandDeps, id: string) {
  return write(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'task', id);
    const row = await trx.deleteFrom('tasks').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw new NotFound('task', id);
    return { id };
  });
}
