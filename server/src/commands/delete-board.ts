import { NotFound } from './errors';
import { write, type CommandDeps } from './deps';
import { check } from '../policy';

/** Deletes a board; its columns, tasks and messages go with it (ON DELETE CASCADE). */
export function deleteBoard(deps: CommandDeps, id: string) {
  return write(deps, async (trx) => {
    await check(trx, deps.actor, 'delete', 'board', id);
    const row = await trx.deleteFrom('boards').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw new NotFound('board', id);
    return { id };
  });
}
