import type { RequestHandler } from 'express';
import type { ResolveActor, UserActor } from './actor';

// A short in-process cache of resolved session cookies. better-auth's own cookie cache already
// keeps getSession off the database (a signed copy of the session, trusted for a minute), but
// verifying and decoding it on every request was about a tenth of the Node CPU of a REST create
// (docs/operations.md "Write path"). Keyed by the exact Cookie header: a browser that signs out
// or in sends another one. Bounded by `ttlMs` and the session's own expiry; a sign-out or any
// other auth write handled by this process forgets every entry (they are rare), so signing out
// here ends the session here at once. Another instance's sign-out reaches this one's REST
// requests after at most ttlMs plus better-auth's cookie-cache minute, as without this cache
// after the minute. API keys (Authorization) are never cached: a revoked key stops at once.

export interface SessionCache {
  resolve: ResolveActor;
  /** Forgets every cached session (after an auth write). */
  clear(): void;
  readonly size: number;
}

export function cachedSessions(
  resolve: ResolveActor,
  ttlMs: number,
  opts: { max?: number; now?: () => number } = {},
): SessionCache {
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { actor: UserActor; until: number }>();
  // Concurrent requests with one cookie share one resolution.
  const pending = new Map<string, Promise<UserActor | null>>();
  let generation = 0;
  return {
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
      pending.clear();
      generation++;
    },
    resolve(headers) {
      const cookie = headers.cookie;
      if (ttlMs === 0 || !cookie || headers.authorization !== undefined) return resolve(headers);
      const hit = entries.get(cookie);
      if (hit && hit.until > now()) return Promise.resolve(hit.actor);
      if (hit) entries.delete(cookie);
      const inflight = pending.get(cookie);
      if (inflight) return inflight;
      const gen = generation;
      const p: Promise<UserActor | null> = resolve(headers).then(
        (actor) => {
          if (pending.get(cookie) === p) pending.delete(cookie);
          // A resolution that began before a clear() may predate the sign-out: not kept.
          // No session (null) is not kept either: a sign-in right after must be seen.
          if (gen === generation && actor) {
            const until = Math.min(now() + ttlMs, actor.expiresAt ?? Infinity);
            if (entries.size >= max) entries.delete(entries.keys().next().value!);
            entries.set(cookie, { actor, until });
          }
          return actor;
        },
        (err: unknown) => {
          if (pending.get(cookie) === p) pending.delete(cookie);
          throw err;
        },
      );
      pending.set(cookie, p);
      return p;
    },
  };
}

/** Express middleware for /api/auth/*: any write there clears the cache, before and after. */
export function forgetSessionsOnAuthWrite(cache: SessionCache | undefined): RequestHandler {
  return (req, res, next) => {
    if (cache && req.method !== 'GET' && req.method !== 'HEAD') {
      cache.clear();
      res.on('finish', () => cache.clear());
    }
    next();
  };
}
