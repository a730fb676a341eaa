import type { IncomingHttpHeaders } from 'node:http';
import { fromNodeHeaders } from 'better-auth/node';
import type pg from 'pg';
import type { Auth } from './auth';
import { hashToken } from './tokens';

/** Who is asking. `system` is the server itself (seed, agent runtime); never from a request. */
export type Actor =
  | { kind: 'user'; userId: string; name: string; isAdmin: boolean; via: 'session' | 'api-key' }
  | { kind: 'system' }
  /** An agent's tool call: it may read and write its own board only (policy/index.ts). */
  | { kind: 'agent'; boardId: string; agentId: string | null };

export type UserActor = Extract<Actor, { kind: 'user' }>;

export const SYSTEM: Actor = { kind: 'system' };

/** Resolves the actor of a request: a Bearer API key, else the session cookie; null if neither. */
export type ResolveActor = (headers: IncomingHttpHeaders) => Promise<UserActor | null>;

export function actorResolver(auth: Auth, pool: pg.Pool): ResolveActor {
  return async (headers) => {
    const authz = headers.authorization;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      return m ? byApiKey(pool, m[1]!) : null;
    }
    if (!headers.cookie) return null;
    const session = await auth.api.getSession({ headers: fromNodeHeaders(headers) });
    if (!session) return null;
    const user = session.user as typeof session.user & { isAdmin?: boolean };
    return { kind: 'user', userId: user.id, name: user.name, isAdmin: user.isAdmin === true, via: 'session' };
  };
}

async function byApiKey(pool: pg.Pool, key: string): Promise<UserActor | null> {
  const { rows } = await pool.query<{ id: string; name: string; isAdmin: boolean }>(
    `UPDATE api_keys k SET last_used_at = now() FROM "user" u
      WHERE k.key_hash = $1 AND u.id = k.user_id
      RETURNING u.id, u.name, u."isAdmin"`,
    [hashToken(key)],
  );
  const u = rows[0];
  return u ? { kind: 'user', userId: u.id, name: u.name, isAdmin: u.isAdmin, via: 'api-key' } : null;
}
