import type pg from 'pg';
import { hashToken } from './tokens';

/**
 * Why a sign-up is refused, or undefined when it may go ahead. The first account is always
 * allowed; afterwards AUTH_SIGNUP decides, and "invite" wants a live invite token.
 */
export async function signUpAllowed(
  pool: pg.Pool,
  mode: 'open' | 'invite' | 'closed',
  inviteToken: string | undefined,
): Promise<string | undefined> {
  const { rows } = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM "user") AS any');
  if (!rows[0]?.any || mode === 'open') return undefined;
  if (mode === 'closed') return 'sign-up is closed on this instance';
  if (!inviteToken) return 'sign-up needs an invite link on this instance';
  const invite = await pool.query(
    'SELECT 1 FROM invites WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()',
    [hashToken(inviteToken)],
  );
  return invite.rowCount ? undefined : 'this invite link is invalid, expired or revoked';
}

/**
 * The first account becomes the instance admin and the owner of every board without members
 * (the demo board, and boards made before accounts existed). The partial unique index on
 * "isAdmin" settles two first sign-ups racing: one wins, the other stays a plain user.
 */
export async function becomeFirstUser(pool: pg.Pool, userId: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const admin = await client.query(
      `UPDATE "user" SET "isAdmin" = true
        WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM "user" WHERE "isAdmin")`,
      [userId],
    );
    if (admin.rowCount) {
      await client.query(
        `INSERT INTO board_members (board_id, user_id, role)
         SELECT b.id, $1, 'owner' FROM boards b
          WHERE NOT EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id)`,
        [userId],
      );
    }
    await client.query('COMMIT');
    return admin.rowCount === 1;
  } catch (err) {
    await client.query('ROLLBACK');
    if ((err as { code?: string }).code === '23505') return false;
    throw err;
  } finally {
    client.release();
  }
}
