import type { Selectable } from 'kysely';
import type { BoardRole } from '@kanban/shared';
import type { BoardMembersTable } from '../db/schema';
import { check } from '../policy';
import { Conflict, NotFound } from './errors';
import { write, type CommandDeps, type Trx } from './deps';

/**
 * Changes a member's role (owners). The board's member rows are locked first, so two owners
 * demoting each other at once cannot leave the board without an owner.
 */
export function updateMember(deps: CommandDeps, boardId: string, userId: string, role: BoardRole) {
  return write<Selectable<BoardMembersTable>>(deps, async (trx) => {
    await check(trx, deps.actor, 'manage-members', 'board', boardId);
    const member = await lockedMember(trx, boardId, userId);
    if (member.role === 'owner' && role !== 'owner') await keepAnOwner(trx, boardId);
    return trx
      .updateTable('board_members')
      .set({ role })
      .where('board_id', '=', boardId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Removes a member (owners), or the caller themself (leaving, any role); never the last owner. */
export function removeMember(deps: CommandDeps, boardId: string, userId: string) {
  return write(deps, async (trx) => {
    const self = deps.actor.kind === 'user' && deps.actor.userId === userId;
    await check(trx, deps.actor, self ? 'read' : 'manage-members', 'board', boardId);
    const member = await lockedMember(trx, boardId, userId);
    if (member.role === 'owner') await keepAnOwner(trx, boardId);
    await trx
      .deleteFrom('board_members')
      .where('board_id', '=', boardId)
      .where('user_id', '=', userId)
      .execute();
    return { boardId, userId };
  });
}

async function lockedMember(trx: Trx, boardId: string, userId: string) {
  const rows = await trx
    .selectFrom('board_members')
    .selectAll()
    .where('board_id', '=', boardId)
    .orderBy('user_id')
    .forUpdate()
    .execute();
  const member = rows.find((m) => m.user_id === userId);
  if (!member) throw new NotFound('member', userId);
  return member;
}

async function keepAnOwner(trx: Trx, boardId: string) {
  const owners = await trx
    .selectFrom('board_members')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('board_id', '=', boardId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  if (Number(owners.n) <= 1) throw new Conflict('a board needs an owner: make someone else owner first');
}
