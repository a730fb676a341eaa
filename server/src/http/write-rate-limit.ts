import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { actorOf } from './actor';
import { HttpError } from './problem';

// Writes per user per minute (WRITE_RATE_LIMIT_PER_MIN), after authentication so the key is the
// user (one budget whether by cookie or API key, from any address). Over it: 429 problem JSON
// with Retry-After. Counted in this process's memory: with several web instances behind a
// balancer a user's budget is per instance.

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function writeRateLimit(config: Pick<Config, 'WRITE_RATE_LIMIT_PER_MIN'>): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.WRITE_RATE_LIMIT_PER_MIN,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Its creationStack check (made at creation: is this inside a request handler?) reads a new
    // Error's stack; under npm start's source maps, that first stack parses the whole bundle
    // chunk's map, a quarter of a second of the start (docs/performance.md). Created once at
    // app build here, never in a handler: nothing for the check to find.
    validate: { creationStack: false },
    skip: (req) => SAFE.has(req.method),
    keyGenerator: (_req, res) => `user:${actorOf(res).userId}`,
    handler: (_req, res, next) =>
      next(
        new HttpError(
          429,
          'rate-limited',
          'Too many requests',
          `at most ${config.WRITE_RATE_LIMIT_PER_MIN} writes a minute; retry after ${String(res.getHeader('retry-after') ?? 60)} s`,
        ),
      ),
  });
}
