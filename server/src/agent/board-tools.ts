import type { Kysely } from 'kysely';
import { tool } from 'langchain';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { createTask } from '../commands/create-task';
import { moveTask } from '../commands/move-task';
import { DomainError } from '../commands/errors';
import type { Database } from '../db/schema';
import type { AgentTriggers } from '../commands/agent-triggers';

// The board tools an agent works with. Each calls the same command its REST route calls, as an
// agent actor the policy allows on its own board only, so every change is one transaction with
// a txid that syncs to every viewer. A refused or invalid call is the tool's result (the model
// reads it and goes on); the run never crashes on it.

export interface BoardToolsContext {
  db: Kysely<Database>;
  /** The task whose chat the agent answers in. */
  taskId: string;
  boardId: string;
  agentId: string | null;
  /** The reply's routing triggers (agent/routing-tools.ts): hooks and delegations its writes set off. */
  agents?: AgentTriggers | undefined;
}

const errorText = (err: unknown) =>
  err instanceof DomainError ? `error: ${err.detail}` : 'error: the change failed';

async function guarded(run: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await run());
  } catch (err) {
    return errorText(err);
  }
}

async function columnByName(db: Kysely<Database>, boardId: string, column: string) {
  const cols = await db
    .selectFrom('columns')
    .select(['id', 'name'])
    .where('board_id', '=', boardId)
    .orderBy('position')
    .execute();
  const want = column.trim().toLowerCase();
  return cols.find((c) => c.id === column || c.name.toLowerCase() === want);
}

export function boardTools(ctx: BoardToolsContext) {
  const actor: Actor = { kind: 'agent', boardId: ctx.boardId, agentId: ctx.agentId };
  const deps = { db: ctx.db, actor, agents: ctx.agents };

  const readBoard = tool(
    () =>
      guarded(async () => {
        const columns = await ctx.db
          .selectFrom('columns')
          .select(['id', 'name'])
          .where('board_id', '=', ctx.boardId)
          .orderBy('position')
          .execute();
        const tasks = await ctx.db
          .selectFrom('tasks')
          .select(['id', 'title', 'column_id', 'priority', 'parent_id'])
          .where('board_id', '=', ctx.boardId)
          .orderBy('position')
          .limit(200)
          .execute();
        return { columns, tasks };
      }),
    {
      name: 'read_board',
      description:
        'The board this chat is on: its columns in order and its tasks (id, title, column, priority).',
      schema: z.object({}),
    },
  );

  const moveTaskTool = tool(
    ({ column, taskId }) =>
      guarded(async () => {
        const col = await columnByName(ctx.db, ctx.boardId, column);
        if (!col) return `error: there is no column "${column}" on this board`;
        const { data } = await moveTask(deps, taskId ?? ctx.taskId, { columnId: col.id });
        return { moved: data.id, to: col.name };
      }),
    {
      name: 'move_task',
      description: 'Move a task (default: this one) to the end of a column, named or by id.',
      schema: z.object({
        column: z.string().min(1).max(100).describe('column name or id'),
        taskId: z.uuid().optional().describe('the task to move; this task if not given'),
      }),
    },
  );

  const createTasks = tool(
    ({ tasks, parentId, column }) =>
      guarded(async () => {
        const here = await ctx.db
          .selectFrom('tasks')
          .select('column_id')
          .where('id', '=', ctx.taskId)
          .executeTakeFirst();
        const col = column ? await columnByName(ctx.db, ctx.boardId, column) : undefined;
        if (column && !col) return `error: there is no column "${column}" on this board`;
        const columnId = col?.id ?? here?.column_id;
        if (!columnId) return 'error: this task no longer exists';
        const parent = parentId === null ? undefined : (parentId ?? ctx.taskId);
        const created = [];
        for (const t of tasks) {
          const { data } = await createTask(deps, ctx.boardId, {
            columnId,
            title: t.title,
            ...(t.description ? { description: t.description } : {}),
            ...(parent ? { parentId: parent } : {}),
          });
          created.push({ id: data.id, title: data.title });
        }
        return { created };
      }),
    {
      name: 'create_tasks',
      description:
        'Create tasks on this board, by default as subtasks of this task, in its column. ' +
        'parentId: null makes them top-level tasks.',
      schema: z.object({
        tasks: z
          .array(
            z.object({ title: z.string().min(1).max(500), description: z.string().max(20_000).optional() }),
          )
          .min(1)
          .max(20),
        parentId: z.uuid().nullable().optional(),
        column: z.string().min(1).max(100).optional(),
      }),
    },
  );

  return [readBoard, moveTaskTool, createTasks];
}
