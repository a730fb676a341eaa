import { NotFound } from './errors';
import { write, type CommandDeps } from './deps';

/** Deletes a board; its columns, tasks and messages go with it (ON DELETE CASCADE). */
export function deleteBoard(deps: CommandDeps, id: string) {
  return write(deps, async (trx) => {
    const row = await trx.deleteFrom('boards').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw new NotFound('board', id);
    return { id };
  });
}
