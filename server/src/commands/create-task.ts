import type { CreateTaskBody, WriteResult } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { Conflict } from './errors';
import type { CommandDeps } from './deps';
import { check } from '../policy';
import { insertTask } from './task-writes';

/**
 * Creates a task in a column of the board (default: at the end); idempotent on a client id.
 * Two round trips: the policy check, then one statement that locks the column, checks it and
 * the parent, places, inserts and records the activity (commands/task-writes.ts).
 */
export async function createTask(
  deps: CommandDeps,
  boardId: string,
  input: CreateTaskBody,
): Promise<WriteResult<TaskRow>> {
  await check(deps.db, deps.actor, 'write', 'board', boardId);
  const out = await insertTask(deps, {
    boardId,
    columnId: input.columnId,
    ...(input.id ? { id: input.id } : {}),
    parentId: input.parentId ?? null,
    title: input.title,
    description: input.description ?? '',
    priority: input.priority ?? 'none',
    model: input.model ?? null,
    ...(input.placement ? { placement: input.placement } : {}),
  });
  if (!out) throw new Conflict(`id ${input.id} is taken`);
  if (out.replayOf === null) return { data: out.row, txid: out.txid };
  // A task with the client's id existed: the same request again answers it, anything else conflicts.
  if (out.row.board_id !== boardId || out.row.title !== input.title)
    throw new Conflict(`a different task already has id ${input.id}`);
  return { data: out.row, txid: out.replayOf };
}
