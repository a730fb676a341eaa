import type { Kysely } from 'kysely';
import { tool } from 'langchain';
import { z } from 'zod';
import { AGENT_TOOLS, Priority, TaskDescription, TaskTitle, type AgentToolName } from '@kanban/shared';
import type { Actor } from '../auth/actor';
import { postAgentComment } from '../commands/agent-comment';
import { createTask } from '../commands/create-task';
import { moveTask } from '../commands/move-task';
import { updateTask } from '../commands/update-task';
import { DomainError } from '../commands/errors';
import type { Database } from '../db/schema';
import type { AgentTriggers } from '../commands/agent-triggers';

// The board tools an agent works with. Each calls the same command its REST route calls, as an
// agent actor the policy allows on its own board only, so every change is one transaction with
// a txid that syncs to every viewer. A refused or invalid call is the tool's result (the model
// reads it and goes on); the run never crashes on it. Results that begin with "error:" are
// recorded as failed calls (jobs/tool-call-store.ts).

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
    const out = await run();
    return typeof out === 'string' ? out : JSON.stringify(out);
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

const TaskRef = z.uuid().optional().describe('the task; this chat’s task if not given');

// The tools' argument schemas, built once: LangChain caches each schema's JSON Schema by the
// schema object (toJsonSchema's WeakMap), so schemas made per reply were converted again for
// every model call (bindTools): about a third of the worker's own CPU per reply before this.
const READ_BOARD_ARGS = z.object({});
const READ_TASK_ARGS = z.object({ taskId: TaskRef });
const UPDATE_TASK_ARGS = z.object({
  taskId: TaskRef,
  title: TaskTitle.optional(),
  description: TaskDescription.optional(),
  priority: Priority.optional(),
  labels: z.array(z.string().min(1).max(100)).max(20).optional(),
});
const MOVE_TASK_ARGS = z.object({
  column: z.string().min(1).max(100).describe('column name or id'),
  taskId: z.uuid().optional().describe('the task to move; this task if not given'),
});
const CREATE_TASKS_ARGS = z.object({
  tasks: z
    .array(z.object({ title: z.string().min(1).max(500), description: z.string().max(20_000).optional() }))
    .min(1)
    .max(20),
  parentId: z.uuid().nullable().optional(),
  column: z.string().min(1).max(100).optional(),
});
const COMMENT_ARGS = z.object({ taskId: z.uuid(), content: z.string().trim().min(1).max(20_000) });

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
          .where('archived_at', 'is', null)
          .orderBy('position')
          .execute();
        const tasks = await ctx.db
          .selectFrom('tasks')
          .select(['id', 'title', 'column_id', 'priority', 'parent_id'])
          .where('board_id', '=', ctx.boardId)
          .where('archived_at', 'is', null)
          .orderBy('position')
          .limit(200)
          .execute();
        return { columns, tasks };
      }),
    {
      name: 'read_board',
      description:
        'The board this chat is on: its columns in order and its tasks (id, title, column, priority).',
      schema: READ_BOARD_ARGS,
    },
  );

  const readTask = tool(
    ({ taskId }) =>
      guarded(async () => {
        const id = taskId ?? ctx.taskId;
        // Another board's task reads as missing, as for the commands (policy/).
        const t = await ctx.db
          .selectFrom('tasks')
          .leftJoin('columns', 'columns.id', 'tasks.column_id')
          .select([
            'tasks.id',
            'tasks.title',
            'tasks.description',
            'tasks.priority',
            'tasks.label_ids',
            'tasks.parent_id',
            'tasks.due_date',
            'columns.name as column',
          ])
          .where('tasks.id', '=', id)
          .where('tasks.board_id', '=', ctx.boardId)
          .executeTakeFirst();
        if (!t) return `error: task ${id} does not exist`;
        const labels = t.label_ids.length
          ? await ctx.db.selectFrom('labels').select('name').where('id', 'in', t.label_ids).execute()
          : [];
        const subtasks = await ctx.db
          .selectFrom('tasks')
          .leftJoin('columns', 'columns.id', 'tasks.column_id')
          .select(['tasks.id', 'tasks.title', 'columns.name as column'])
          .where('tasks.parent_id', '=', id)
          .where('tasks.archived_at', 'is', null)
          .orderBy('tasks.position')
          .limit(50)
          .execute();
        // Recent chat, oldest first; each message cut short (the model asked for the task, not a transcript).
        const chat = await ctx.db
          .selectFrom('messages')
          .select(['role', 'content', 'author_name'])
          .where('task_id', '=', id)
          .where('status', '=', 'completed')
          .orderBy('seq', 'desc')
          .limit(10)
          .execute();
        const { label_ids: _, ...task } = t;
        return {
          ...task,
          labels: labels.map((l) => l.name),
          subtasks,
          recentChat: chat.reverse().map((m) => ({
            role: m.role,
            ...(m.author_name ? { author: m.author_name } : {}),
            content: m.content.length > 500 ? `${m.content.slice(0, 500)}…` : m.content,
          })),
        };
      }),
    {
      name: 'read_task',
      description:
        'One task of this board (default: this one): title, description, column, priority, labels, ' +
        'subtasks and its recent chat.',
      schema: READ_TASK_ARGS,
    },
  );

  const updateTaskTool = tool(
    ({ taskId, labels, ...fields }) =>
      guarded(async () => {
        let labelIds: string[] | undefined;
        if (labels) {
          const all = await ctx.db
            .selectFrom('labels')
            .select(['id', 'name'])
            .where('board_id', '=', ctx.boardId)
            .execute();
          const unknown = labels.filter((n) => !all.some((l) => l.name.toLowerCase() === n.toLowerCase()));
          if (unknown.length)
            return `error: no label named ${unknown.map((n) => `"${n}"`).join(', ')} on this board (it has: ${all.map((l) => l.name).join(', ') || 'none'})`;
          labelIds = labels.map((n) => all.find((l) => l.name.toLowerCase() === n.toLowerCase())!.id);
        }
        if (Object.keys(fields).length === 0 && !labelIds) return 'error: give at least one field to change';
        const { data } = await updateTask(deps, taskId ?? ctx.taskId, {
          ...fields,
          ...(labelIds ? { labelIds } : {}),
        });
        return { updated: data.id, title: data.title, priority: data.priority };
      }),
    {
      name: 'update_task',
      description:
        'Change a task of this board (default: this one): title, description, priority, labels (by name; replaces the list).',
      schema: UPDATE_TASK_ARGS,
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
      schema: MOVE_TASK_ARGS,
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
      schema: CREATE_TASKS_ARGS,
    },
  );

  const comment = tool(
    ({ taskId, content }) =>
      guarded(async () => {
        if (taskId === ctx.taskId) return 'error: this is your own task: answer here instead of commenting';
        const { data } = await postAgentComment(deps, taskId, { content, agentId: ctx.agentId });
        return { commented: taskId, messageId: data.id };
      }),
    {
      name: 'comment',
      description: "Post a comment in another task's chat on this board, as yourself.",
      schema: COMMENT_ARGS,
    },
  );

  return [readBoard, readTask, updateTaskTool, moveTaskTool, createTasks, comment];
}

export type BoardTool = ReturnType<typeof boardTools>[number];

/** The board tools a reply gets: those its agent enables (`mention` is not a board tool). */
export function enabledTools<T extends { name: string }>(tools: T[], enabled: Record<string, string>): T[] {
  return tools.filter(
    (t) => Object.hasOwn(enabled, t.name) && (AGENT_TOOLS as readonly string[]).includes(t.name),
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the task's card says while a round of tool calls runs ("moving 3 cards…"). */
export function toolActivity(calls: { name: string; args?: Record<string, unknown> }[]): string {
  const count = (n: AgentToolName) => calls.filter((c) => c.name === n).length;
  const parts: string[] = [];
  if (count('move_task')) parts.push(`moving ${plural(count('move_task'), 'card')}`);
  const created = calls
    .filter((c) => c.name === 'create_tasks')
    .reduce((n, c) => n + (Array.isArray(c.args?.tasks) ? c.args.tasks.length : 1), 0);
  if (created) parts.push(`creating ${plural(created, 'task')}`);
  if (count('update_task')) parts.push(`updating ${plural(count('update_task'), 'card')}`);
  if (count('comment')) parts.push(`commenting on ${plural(count('comment'), 'task')}`);
  if (count('read_board') || count('read_task')) parts.push('reading the board');
  const known = new Set<string>([
    'move_task',
    'create_tasks',
    'update_task',
    'comment',
    'read_board',
    'read_task',
  ]);
  const other = calls.filter((c) => !known.has(c.name)).map((c) => c.name);
  if (other.length) parts.push(`running ${[...new Set(other)].join(', ')}`);
  return `${parts.join(', ')}…`;
}
