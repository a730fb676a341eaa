import type { ServerResponse } from 'node:http';
import { isConnectionError } from '../db/connection-errors';
import { unavailable } from '../sync/unavailable';
import type { HttpError } from './problem';

/**
 * A request that failed because Postgres cannot be reached (restart, terminated backend, pool
 * connect timeout) is answered 503 with Retry-After, as the shapes are: the client may retry,
 * and it is not our bug. Undefined for every other error.
 */
export function databaseUnavailable(err: unknown, res: ServerResponse): HttpError | undefined {
  return isConnectionError(err) ? unavailable(res) : undefined;
}
