import type { CreateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { Invalid } from './errors';
import { write, type CommandDeps, actorId } from './deps';
import { lockColumn } from './locks';
import { placeKey } from './placement';
import { replayExisting } from './replay';
import { check } from '../policy';
import { recordActivity } from './activity';

/** Creates a task in a column of the board (default: at the end); idempotent on a client id. */
export function createTask(deps: CommandDeps, boardId: string, input: CreateTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'board', boardId);
    const col = await lockColumn(trx, input.columnId);
    if (col.board_id !== boardId)
      throw new Invalid(`columnId: column ${input.columnId} is not on board ${boardId}`);
    if (input.parentId) {
      const parent = await trx
        .selectFrom('tasks')
        .select('board_id')
        .where('id', '=', input.parentId)
        .executeTakeFirst();
      if (parent?.board_id !== boardId)
        throw new Invalid(`parentId: task ${input.parentId} is not on board ${boardId}`);
    }
    const position = await placeKey(
      trx,
      { table: 'tasks', parent: 'column_id', parentId: col.id },
      input.placement,
    );
    const row = await trx
      .insertInto('tasks')
      .values({
        ...(input.id ? { id: input.id } : {}),
        board_id: boardId,
        column_id: col.id,
        title: input.title,
        description: input.description ?? '',
        priority: input.priority ?? 'none',
        model: input.model ?? null,
        position,
        agent_status_message: null,
        parent_id: input.parentId ?? null,
        created_by: actorId(deps.actor),
        updated_by: actorId(deps.actor),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) await recordActivity(trx, deps.actor, row.id, 'created', { columnId: col.id });
    return (
      row ??
      replayExisting<TaskRow>(
        trx,
        'tasks',
        input.id!,
        (t) => t.board_id === boardId && t.title === input.title,
      )
    );
  });
}
