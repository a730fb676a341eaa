import { z } from 'zod';
import { Id, Placement, Timestamp } from './common';
import { UserId } from './account';

export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

// executing: a tool runs (agent_status_message says what, e.g. "moving 3 cards…");
// waiting_for_user: a tool call waits for an editor's approval (migration 0030).
export const AGENT_STATUSES = [
  'idle',
  'queued',
  'thinking',
  'executing',
  'streaming',
  'waiting_for_user',
  'error',
] as const;
export const AgentStatus = z.enum(AGENT_STATUSES);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const TaskTitle = z.string().trim().min(1, 'must not be empty').max(500);
export const TaskDescription = z.string().max(20_000);
/** A real calendar day as YYYY-MM-DD, years 2000–2999 (a typo like 20255 is refused, not stored). */
export const DueDate = z
  .string()
  .regex(/^2\d{3}-\d{2}-\d{2}$/, 'must be a date like 2026-12-31')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'must be a real calendar day');
export const ModelName = z.string().trim().min(1).max(200);

export const Task = z
  .object({
    id: Id,
    board_id: Id,
    column_id: Id,
    title: z.string(),
    description: z.string(),
    position: z.string(),
    priority: Priority,
    model: z.string().nullable(),
    agent_status: AgentStatus,
    agent_status_message: z.string().nullable(),
    // Added with accounts (migration 0005); optional so older fixtures still parse.
    assignee_ids: z.array(z.string()).optional(),
    // Labels of the task's board (migration 0020).
    label_ids: z.array(z.string()).optional(),
    // A calendar day, YYYY-MM-DD (migration 0021).
    due_date: z.string().nullable().optional(),
    // Set while the card is archived (migration 0022).
    archived_at: Timestamp.nullable().optional(),
    created_by: z.string().nullable().optional(),
    updated_by: z.string().nullable().optional(),
    // Added with agents (migration 0010): the task's own agent, and the task it is a subtask of.
    agent_id: Id.nullable().optional(),
    parent_id: Id.nullable().optional(),
    // Spend of the task's agent replies (migration 0040): US dollars and tokens (in + out), both as
    // decimal strings (exact numeric and bigint).
    cost_usd: z.string().optional(),
    tokens_total: z.string().optional(),
    // A summary of the task's chat, kept by the database (migration 0090): the card reads it
    // instead of the messages. Seqs are bigint, so decimal strings.
    chat_count: z.number().int().optional(),
    chat_streaming: z.boolean().optional(),
    chat_last_reply_seq: z.string().nullable().optional(),
    chat_last_reply_status: z.string().nullable().optional(),
    chat_last_done_seq: z.string().optional(),
    chat_open_replies: z.number().int().optional(),
    chat_open_agent_id: Id.nullable().optional(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof Task>;

export const CreateTaskBody = z
  .object({
    id: Id.optional(),
    columnId: Id,
    title: TaskTitle,
    description: TaskDescription.optional(),
    priority: Priority.optional(),
    model: ModelName.nullable().optional(),
    placement: Placement.optional(),
    /** Makes it a subtask of this task (same board). */
    parentId: Id.optional(),
  })
  .strict()
  .meta({ id: 'CreateTaskBody' });
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

export const UpdateTaskBody = z
  .object({
    title: TaskTitle.optional(),
    description: TaskDescription.optional(),
    priority: Priority.optional(),
    model: ModelName.nullable().optional(),
    // Board members (user ids); replaces the whole list. Non-members are refused (400).
    assigneeIds: z.array(UserId).max(20).optional(),
    // Labels of the task's board; replaces the whole list. Another board's label is refused (400).
    labelIds: z.array(Id).max(20).optional(),
    // A calendar day; null clears it.
    dueDate: DueDate.nullable().optional(),
    // The task's agent (one of its board's), null for the board's default.
    agentId: Id.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to update' })
  .meta({ id: 'UpdateTaskBody' });
export type UpdateTaskBody = z.infer<typeof UpdateTaskBody>;

// A move names the target column (possibly on another board) and where in it.
export const MoveTaskBody = z
  .object({ columnId: Id, placement: Placement.optional() })
  .strict()
  .meta({ id: 'MoveTaskBody' });
export type MoveTaskBody = z.infer<typeof MoveTaskBody>;

export const ListTasksQuery = z
  .object({
    column: Id.optional(),
    priority: Priority.optional(),
    agentStatus: AgentStatus.optional(),
    q: z.string().trim().min(1).max(200).optional(),
    // Decimal digits only: Number() would also take "0x10", "1e1", "+5" or " 10".
    limit: z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number')
      .pipe(z.coerce.number<string>().int().min(1).max(1000))
      .optional(),
  })
  .strict();
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;
