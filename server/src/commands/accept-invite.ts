import { sql } from 'kysely';
import type { UserActor } from '../auth/actor';
import { hashToken } from '../auth/tokens';
import type { BoardMembersTable } from '../db/schema';
import type { Selectable } from 'kysely';
import { Gone, NotFound } from './errors';
import { write, type CommandDeps } from './deps';

const RANK = { viewer: 0, editor: 1, owner: 2 } as const;

/** Joins the invite's board with its role; a member already there keeps the higher role. */
export function acceptInvite(deps: CommandDeps & { actor: UserActor }, token: string) {
  return write<Selectable<BoardMembersTable>>(deps, async (trx) => {
    const invite = await trx
      .selectFrom('invites')
      .select(['board_id', 'role', sql<boolean>`revoked_at IS NULL AND expires_at > now()`.as('live')])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!invite) throw new NotFound('invite', 'link');
    if (!invite.live) throw new Gone('this invite link has expired or was revoked');
    const member = await trx
      .insertInto('board_members')
      .values({ board_id: invite.board_id, user_id: deps.actor.userId, role: invite.role })
      .onConflict((oc) =>
        oc.columns(['board_id', 'user_id']).doUpdateSet({
          role: sql`CASE WHEN ${sql.lit(RANK[invite.role])} > (CASE board_members.role WHEN 'owner' THEN 2 WHEN 'editor' THEN 1 ELSE 0 END) THEN excluded.role ELSE board_members.role END`,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return member;
  });
}
