import type { CreateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../../server/src/db/schema';
import { Invalid } from '../../server/src/commands/errors';
import { write, type CommandDeps, actorId } from '../../server/src/commands/deps';
import { lockColumn } from '../../server/src/commands/locks';
import { placeKey } from '../../server/src/commands/placement';
import { check } from '../../server/src/policy';
import { recordActivity } from '../../server/src/commands/activity';

// The task create as it was before the one-statement write path (migrations/0061): a Kysely
// transaction of BEGIN, policy check, column lock, neighbour read, INSERT, activity INSERT, txid
// read and COMMIT — eight round trips. Kept only as a same-run baseline for rest-create.bench.ts.
export function legacyCreateTask(deps: CommandDeps, boardId: string, input: CreateTaskBody) {
  return write<TaskRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'board', boardId);
    const col = await lockColumn(trx, input.columnId);
    if (col.board_id !== boardId)
      throw new Invalid(`columnId: column ${input.columnId} is not on board ${boardId}`);
    const position = await placeKey(
      trx,
      { table: 'tasks', parent: 'column_id', parentId: col.id },
      input.placement,
    );
    const row = await trx
      .insertInto('tasks')
      .values({
        board_id: boardId,
        column_id: col.id,
        title: input.title,
        description: input.description ?? '',
        priority: input.priority ?? 'none',
        model: input.model ?? null,
        position,
        agent_status_message: null,
        parent_id: null,
        created_by: actorId(deps.actor),
        updated_by: actorId(deps.actor),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(trx, deps.actor, row.id, 'created', { columnId: col.id });
    return row;
  });
}
