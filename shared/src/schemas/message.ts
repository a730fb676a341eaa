import { z } from 'zod';
import { Id, Timestamp } from './common';

export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const;
export const MESSAGE_STATUSES = [
  'queued',
  'streaming',
  // a tool of the reply runs / a tool call waits for approval (migration 0030): still open
  'executing',
  'waiting_for_user',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Statuses a reply never leaves. */
export const TERMINAL_STATUSES: readonly MessageStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'interrupted',
];

export const Message = z
  .object({
    id: Id,
    task_id: Id,
    board_id: Id,
    seq: z.string(),
    role: z.enum(MESSAGE_ROLES),
    content: z.string(),
    status: MessageStatus,
    model: z.string().nullable(),
    usage: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
    // Added with the agent pipeline (migration 0003); optional so older rows/fixtures still parse.
    /** The user message an assistant reply answers. */
    parent_id: z.string().nullable().optional(),
    // the user who wrote a user message, and their name then (null for replies)
    author_id: z.string().nullable().optional(),
    author_name: z.string().nullable().optional(),
    cancel_requested_at: Timestamp.nullable().optional(),
    started_at: Timestamp.nullable().optional(),
    first_token_at: Timestamp.nullable().optional(),
    finished_at: Timestamp.nullable().optional(),
    // A reply's model calls summed (migration 0040); null until one reported its usage.
    tokens_in: z.int().nullable().optional(),
    tokens_out: z.int().nullable().optional(),
    /** US dollars as a decimal string (exact numeric). */
    cost_usd: z.string().nullable().optional(),
    // Added with agents (migrations 0010, 0035): the agent that writes a reply, and how many
    // agent-to-agent steps (handoffs, hooks) led to it (0: a person asked).
    agent_id: Id.nullable().optional(),
    handoff_depth: z.int().optional(),
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof Message>;

export const MessageContent = z.string().trim().min(1, 'must not be empty').max(20_000);

export const PostMessageBody = z
  .object({ id: Id.optional(), content: MessageContent })
  .strict()
  .meta({ id: 'PostMessageBody' });
export type PostMessageBody = z.infer<typeof PostMessageBody>;

/** Edit and resend: the new text of one's own user message (docs/chat.md). */
export const EditMessageBody = z.object({ content: MessageContent }).strict().meta({ id: 'EditMessageBody' });
export type EditMessageBody = z.infer<typeof EditMessageBody>;

// Same-length digit strings compare like the numbers they spell.
const INT8_MAX = '9223372036854775807';

/** History paging: `before` is a seq (exclusive); the first page (no `before`) is the newest. */
export const ListMessagesQuery = z
  .object({
    // seq is a Postgres bigint: a larger cursor would be a database error, not an empty page.
    before: z
      .string()
      .regex(/^[1-9][0-9]{0,18}$/, 'must be a message seq')
      .refine(
        (s) => s.length < INT8_MAX.length || s <= INT8_MAX,
        `must be a message seq (at most ${INT8_MAX})`,
      )
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .strict();
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;

/** A page of history, oldest first; `nextBefore` fetches the page before it (null: no more). */
export const MessagePage = z
  .object({ data: z.array(Message), nextBefore: z.string().nullable() })
  .meta({ id: 'MessagePage' });
export type MessagePage = z.infer<typeof MessagePage>;

/** What POST /api/tasks/:id/messages answers in `data`. */
/**
 * What POST /api/tasks/:id/messages answers in `data`: `assistant` is the first reply, `replies`
 * every reply queued (one per addressed agent, in the order they answer).
 */
export const PostedMessages = z
  .object({ user: Message, assistant: Message, replies: z.array(Message).optional() })
  .meta({ id: 'PostedMessages' });
export type PostedMessages = z.infer<typeof PostedMessages>;
