import type { IncomingHttpHeaders } from 'node:http';
import { fromNodeHeaders } from 'better-auth/node';
import type pg from 'pg';
import type { Auth } from './auth';
import { hashToken } from './tokens';

/** Who is asking. `system` is the server itself (seed, agent runtime); never from a request. */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      name: string;
      isAdmin: boolean;
      via: 'session' | 'api-key';
      /** The session it came from (via session): a socket ends with it. */
      sessionId?: string;
      /** When that session expires (ms since the epoch), as the server knew it then. */
      expiresAt?: number;
      /** The API key it came from (via api-key): a socket ends when the key is revoked. */
      keyId?: string;
    }
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
    return {
      kind: 'user',
      userId: user.id,
      name: user.name,
      isAdmin: user.isAdmin === true,
      via: 'session',
      sessionId: session.session.id,
      expiresAt: new Date(session.session.expiresAt).getTime(),
    };
  };
}

async function byApiKey(pool: pg.Pool, key: string): Promise<UserActor | null> {
  const { rows } = await pool.query<{ id: string; name: string; isAdmin: boolean; keyId: string }>(
    `UPDATE api_keys k SET last_used_at = now() FROM "user" u
      WHERE k.key_hash = $1 AND u.id = k.user_id
      RETURNING u.id, u.name, u."isAdmin", k.id AS "keyId"`,
    [hashToken(key)],
  );
  const u = rows[0];
  return u
    ? { kind: 'user', userId: u.id, name: u.name, isAdmin: u.isAdmin, via: 'api-key', keyId: u.keyId }
    : null;
}
