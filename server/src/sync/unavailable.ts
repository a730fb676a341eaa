import type { ServerResponse } from 'node:http';
import { isConnectionError } from '../db/connection-errors';
import { HttpError } from '../http/problem';

// While Postgres restarts, shape requests that need the database (a snapshot, a new shape) fail.
// Electric answers those with 503 + Retry-After ("database_unreachable"), which the official
// client retries with backoff; a 500 would read as our bug. Held long-polls never need the
// database and keep being answered. REST uses the same answer (http/unavailable.ts).

export const isDatabaseUnavailable = isConnectionError;

export const RETRY_AFTER_S = 1;

/** The 503 for a database that cannot be reached; sets Retry-After on the response. */
export function unavailable(res: ServerResponse): HttpError {
  if (!res.headersSent) res.setHeader('retry-after', String(RETRY_AFTER_S));
  return new HttpError(
    503,
    'database-unavailable',
    'Database unavailable',
    'the database cannot be reached right now; retry shortly',
  );
}
