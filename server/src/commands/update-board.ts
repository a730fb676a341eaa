import { sql } from 'kysely';
import type { UpdateBoardBody } from '@kanban/shared';
import type { BoardRow } from '../db/schema';
import { NotFound } from './errors';
import { write, type CommandDeps, actorId } from './deps';
import { check } from '../policy';

/** Renames a board and/or merges its settings (keys set to null are cleared). */
export function updateBoard(deps: CommandDeps, id: string, input: UpdateBoardBody) {
  return write<BoardRow>(deps, async (trx) => {
    // Settings steer the agent (prompt, model): an owner's business; a rename is a plain write.
    await check(trx, deps.actor, input.settings !== undefined ? 'manage-settings' : 'write', 'board', id);
    const row = await trx
      .updateTable('boards')
      .set({
        updated_by: actorId(deps.actor),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.settings !== undefined
          ? {
              settings: sql`jsonb_strip_nulls(settings || ${JSON.stringify(input.settings)}::jsonb)` as never,
            }
          : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('board', id);
    return row;
  });
}
