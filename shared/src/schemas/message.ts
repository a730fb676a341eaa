import { z } from 'zod';
import { Id, Timestamp } from './common';

export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const;
export const MESSAGE_STATUSES = [
  'queued',
  'streaming',
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
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof Message>;

export const MessageContent = z.string().trim().min(1, 'must not be empty').max(20_000);

export const PostMessageBody = z
  .object({ id: Id.optional(), content: MessageContent })
  .strict()
  .meta({ id: 'PostMessageBody' });
export type PostMessageBody = z.infer<typeof PostMessageBody>;
