import { sql } from 'kysely';
import { check } from '../policy';
import { NotFound } from './errors';
import { write, type CommandDeps } from './deps';

/** Revokes an invite (owners of its board): the link stops working; members it made stay. */
export function revokeInvite(deps: CommandDeps, id: string) {
  return write(deps, async (trx) => {
    const invite = await trx.selectFrom('invites').select('board_id').where('id', '=', id).executeTakeFirst();
    if (!invite) throw new NotFound('invite', id);
    // A non-member learns nothing: the board's 404 names the invite.
    await check(trx, deps.actor, 'manage-members', 'board', invite.board_id).catch((err: unknown) => {
      throw err instanceof NotFound ? new NotFound('invite', id) : err;
    });
    await trx
      .updateTable('invites')
      .set({ revoked_at: sql`coalesce(revoked_at, now())` as never })
      .where('id', '=', id)
      .execute();
    return { id };
  });
}
