import type { IncomingMessage } from 'node:http';

// HTTP caching of shape responses as Electric does it (sync-service
// lib/electric/shapes/api/response.ex, put_cache_headers and etag; electric-protocol §2.4), so a
// caching proxy or CDN in front collapses identical requests: a thousand viewers of one board
// waiting at the same offset send one request upstream per change (docs/sync.md, "HTTP caching").
// Every response for a (handle, offset) is the same bytes until the shape changes, and the
// cursor makes consecutive live URLs differ over time, so nothing cached is ever wrong: at worst
// a client resumes from an older offset and catches up.

export type ResponseKind =
  /** offset=-1: the rows as they stand; Electric caches it for a week (an hour in shared caches). */
  | 'snapshot'
  /** Non-live catch-up (and offset=now). */
  | 'log'
  /** A live long-poll's answer. */
  | 'live'
  /** An SSE stream, cacheable for as long as the server keeps it open. */
  | 'sse'
  /** 409 must-refetch: an old handle never comes back. */
  | 'must-refetch'
  /** A subset snapshot (GET or POST): Electric sends no-cache, they are per-query reads. */
  | 'subset';

export interface CachePolicy {
  /** Electric's ELECTRIC_CACHE_MAX_AGE / ELECTRIC_CACHE_STALE_AGE for non-live log responses (s). */
  maxAge: number;
  staleAge: number;
  /** How long the server keeps an SSE stream open (ms). */
  sseTimeoutMs: number;
}

export function cacheControl(kind: ResponseKind, policy: CachePolicy): string {
  switch (kind) {
    case 'snapshot':
      return 'public, max-age=604800, s-maxage=3600, stale-while-revalidate=2629746';
    case 'log':
      return `public, max-age=${policy.maxAge}, stale-while-revalidate=${policy.staleAge}`;
    case 'live':
      return 'public, max-age=5, stale-while-revalidate=5';
    case 'sse':
      return `public, max-age=${Math.max(0, Math.ceil(policy.sseTimeoutMs / 1000) - 1)}`;
    case 'must-refetch':
      return MUST_REFETCH_CACHE_CONTROL;
    case 'subset':
      return 'no-cache';
  }
}

/**
 * What error responses of shape routes carry: never stored. (Electric also sends
 * `surrogate-control: no-store`; set before the route runs it would stay on the 2xx answers too.)
 */
export const ERROR_CACHE_HEADERS = { 'cache-control': 'no-store' };

/** Electric's value for a 409: the old handle never comes back. */
export const MUST_REFETCH_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

let unique = 0;

/**
 * Electric's etag: `"<handle>:<requested offset>:<response offset>"`. An answer with no changes
 * (an empty long-poll) gets a suffix of its own so it is never revalidated into a 304 of an older
 * empty answer.
 */
export function etag(handle: string, requested: string, responded: string, empty: boolean): string {
  const tag = `${handle}:${requested}:${responded}`;
  return `"${empty ? `${tag}:${Date.now().toString(36)}${(unique++).toString(36)}` : tag}"`;
}

/** Whether the request's If-None-Match names this etag (a list, weak or strong). */
export function notModified(req: IncomingMessage | undefined, tag: string): boolean {
  const given = req?.headers['if-none-match'];
  if (!given) return false;
  return given.split(',').some((t) => {
    const v = t.trim();
    return v === tag || v === `W/${tag}` || v === '*';
  });
}
