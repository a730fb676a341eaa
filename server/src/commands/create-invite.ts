import { sql } from 'kysely';
import type { CreateInviteBody } from '@kanban/shared';
import { hashToken, newToken } from '../auth/tokens';
import { check } from '../policy';
import { actorId, write, type CommandDeps } from './deps';

/** An invite link to a board (owners): the token is in this answer only; its hash is stored. */
export function createInvite(deps: CommandDeps, boardId: string, input: CreateInviteBody) {
  return write(deps, async (trx) => {
    await check(trx, deps.actor, 'manage-members', 'board', boardId);
    const token = newToken('inv');
    const row = await trx
      .insertInto('invites')
      .values({
        board_id: boardId,
        role: input.role,
        token_hash: hashToken(token),
        created_by: actorId(deps.actor),
        expires_at: sql<Date>`now() + make_interval(hours => ${input.expiresInHours})` as never,
      })
      .returning(['id', 'role', 'expires_at'])
      .executeTakeFirstOrThrow();
    return { id: row.id, token, role: row.role, expiresAt: row.expires_at.toISOString() };
  });
}
