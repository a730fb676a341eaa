import { Router } from 'express';
import type { Kysely } from 'kysely';
import { CreateInviteBody, Id, UpdateMemberBody, UserId } from '@kanban/shared';
import type { Database } from '../../db/schema';
import type { Config } from '../../config';
import { check } from '../../policy';
import { createInvite } from '../../commands/create-invite';
import { revokeInvite } from '../../commands/revoke-invite';
import { removeMember, updateMember } from '../../commands/change-member';
import { acceptInvite } from '../../commands/accept-invite';
import { selfOrigin } from '../../auth/origins';
import { parse } from '../validate';
import { actorOf, as } from '../actor';
import { hashToken } from '../../auth/tokens';
import { NotFound } from '../../commands/errors';

/** Board members and invite links (authenticated; the invite lookup is in publicInviteRoutes). */
export function memberRoutes(deps: { db: Kysely<Database>; config: Config }): Router {
  const r = Router();
  const cmd = { db: deps.db };
  r.get('/boards/:id/members', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    const rows = await deps.db
      .selectFrom('board_members')
      .selectAll()
      .where('board_id', '=', id)
      .orderBy('created_at')
      .execute();
    res.json({ data: rows });
  });
  r.patch('/boards/:id/members/:userId', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const userId = parse(UserId, req.params.userId, 'path.userId');
    const { role } = parse(UpdateMemberBody, req.body);
    res.json(await updateMember(as(cmd, res), id, userId, role));
  });
  r.delete('/boards/:id/members/:userId', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const userId = parse(UserId, req.params.userId, 'path.userId');
    res.json(await removeMember(as(cmd, res), id, userId));
  });
  r.post('/boards/:id/invites', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const out = await createInvite(as(cmd, res), id, parse(CreateInviteBody, req.body ?? {}));
    const origin = selfOrigin(req.headers, deps.config) ?? '';
    res.status(201).json({ ...out, data: { ...out.data, url: `${origin}/invite/${out.data.token}` } });
  });
  r.delete('/invites/:id', async (req, res) => {
    res.json(await revokeInvite(as(cmd, res), parse(Id, req.params.id, 'path.id')));
  });
  r.post('/invites/:token/accept', async (req, res) => {
    const token = parse(InviteToken, req.params.token, 'path.token');
    res.json(await acceptInvite({ ...cmd, actor: actorOf(res) }, token));
  });
  return r;
}

export const InviteToken = UserId;

/** GET /api/invites/:token (public): what the invite page shows before signing in. */
export function publicInviteRoutes(deps: { db: Kysely<Database> }): Router {
  const r = Router();
  r.get('/invites/:token', async (req, res, next) => {
    // A uuid here is DELETE's /invites/:id namespace, not a token: not ours.
    if (Id.safeParse(req.params.token).success) return next();
    const token = parse(InviteToken, req.params.token, 'path.token');
    const row = await deps.db
      .selectFrom('invites')
      .innerJoin('boards', 'boards.id', 'invites.board_id')
      .select(['invites.board_id', 'boards.name', 'invites.role', 'invites.expires_at', 'invites.revoked_at'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw new NotFound('invite', 'link');
    res.json({
      data: {
        boardId: row.board_id,
        boardName: row.name,
        role: row.role,
        expiresAt: row.expires_at.toISOString(),
        valid: row.revoked_at === null && row.expires_at.getTime() > Date.now(),
      },
    });
  });
  return r;
}
