import { z } from 'zod';
import { Id, Timestamp } from './common';

// Accounts, membership, invites and API keys (docs/accounts.md). User ids are better-auth's
// (random url-safe strings), not uuids.

export const UserId = z
  .string()
  .regex(/^[\w-]{1,100}$/, 'must be a user id')
  .meta({ id: 'UserId' });

export const BOARD_ROLES = ['owner', 'editor', 'viewer'] as const;
export const BoardRole = z.enum(BOARD_ROLES).meta({ id: 'BoardRole' });
export type BoardRole = z.infer<typeof BoardRole>;

/** GET /api/instance: what the first screen needs before anyone signs in. */
export const Instance = z
  .object({ hasUsers: z.boolean(), signup: z.enum(['open', 'invite', 'closed']) })
  .meta({ id: 'Instance' });
export type Instance = z.infer<typeof Instance>;

/** A board_members row as the members shape and GET /api/boards/:id/members carry it. */
export const Member = z
  .object({
    board_id: Id,
    user_id: UserId,
    role: BoardRole,
    user_name: z.string(),
    user_color: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof Member>;

export const UpdateMemberBody = z.object({ role: BoardRole }).strict().meta({ id: 'UpdateMemberBody' });
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const CreateInviteBody = z
  .object({
    role: z.enum(['editor', 'viewer', 'owner']),
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72),
  })
  .strict()
  .meta({ id: 'CreateInviteBody' });
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;

export const CreatedInvite = z
  .object({ id: Id, token: z.string(), url: z.string(), role: BoardRole, expiresAt: Timestamp })
  .meta({ id: 'CreatedInvite' });

/** GET /api/invites/:token: enough to show "join <board> as <role>" before signing in. */
export const InviteInfo = z
  .object({
    boardId: Id,
    boardName: z.string(),
    role: BoardRole,
    expiresAt: Timestamp,
    valid: z.boolean(),
  })
  .meta({ id: 'InviteInfo' });
export type InviteInfo = z.infer<typeof InviteInfo>;

export const CreateApiKeyBody = z
  .object({ name: z.string().trim().min(1).max(100) })
  .strict()
  .meta({ id: 'CreateApiKeyBody' });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** An API key as listed: never the key itself, which is shown once at creation. */
export const ApiKey = z
  .object({
    id: Id,
    name: z.string(),
    prefix: z.string(),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;
