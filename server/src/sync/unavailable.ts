import type { ServerResponse } from 'node:http';
import { HttpError } from '../http/problem';

// While Postgres restarts, shape requests that need the database (a snapshot, a new shape) fail.
// Electric answers those with 503 + Retry-After ("database_unreachable"), which the official
// client retries with backoff; a 500 would read as our bug. Held long-polls never need the
// database and keep being answered.

const CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  return (
    (typeof e.code === 'string' && CODES.has(e.code)) ||
    (typeof e.message === 'string' && MESSAGES.test(e.message))
  );
}

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
