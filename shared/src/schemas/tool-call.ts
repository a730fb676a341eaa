import { z } from 'zod';
import { Id, Timestamp } from './common';

// One tool call of an agent reply (migrations/0030_tool_calls.sql, docs/agents.md): a row from
// the moment the model asks for it to its end. `waiting`: the agent's policy for the tool is
// `ask`, and the run is paused until an editor approves or denies it.

export const TOOL_CALL_STATUSES = ['running', 'succeeded', 'failed', 'denied', 'waiting'] as const;
export const ToolCallStatus = z.enum(TOOL_CALL_STATUSES);
export type ToolCallStatus = z.infer<typeof ToolCallStatus>;

export const ToolCall = z
  .object({
    id: Id,
    board_id: Id,
    task_id: Id,
    /** The assistant reply that made the call. */
    message_id: Id,
    agent_id: Id.nullable(),
    /** The model's own tool_call id (unique within its round). */
    call_id: z.string(),
    /** The model call of the reply that asked for it, from 1 (migration 0031). */
    round: z.int(),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    status: ToolCallStatus,
    /** What the tool answered (the text the model read), cut to 4000 characters. */
    result_summary: z.string().nullable(),
    error: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_by_name: z.string().nullable(),
    decided_at: Timestamp.nullable(),
    deny_reason: z.string().nullable(),
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'ToolCall' });
export type ToolCall = z.infer<typeof ToolCall>;

export const ToolCallList = z.object({ data: z.array(ToolCall) }).meta({ id: 'ToolCallList' });
export type ToolCallList = z.infer<typeof ToolCallList>;

/** Approve a waiting call, optionally with edited arguments (the tool validates them again). */
export const ApproveToolCallBody = z
  .object({ arguments: z.record(z.string(), z.unknown()).optional() })
  .strict()
  .meta({ id: 'ApproveToolCallBody' });
export type ApproveToolCallBody = z.infer<typeof ApproveToolCallBody>;

/** Deny a waiting call; the reason goes back to the model as the tool's result. */
export const DenyToolCallBody = z
  .object({ reason: z.string().trim().max(2000).optional() })
  .strict()
  .meta({ id: 'DenyToolCallBody' });
export type DenyToolCallBody = z.infer<typeof DenyToolCallBody>;
