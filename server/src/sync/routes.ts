import type { ServerResponse } from 'node:http';
import { Router, type Request, type Response } from 'express';
import { HttpError } from '../http/problem';
import type { ShapeDef } from './registry';
import { rejectShapeParams } from './protocol';
import { namedShape } from './shapes';
import { isDatabaseUnavailable, RETRY_AFTER_S, unavailable } from './unavailable';
import { v1ShapeDef } from './v1-shape';

/** Serves (built-in) or forwards (Electric) one shape request. */
export type ShapeUpstream = (def: ShapeDef, req: Request, res: Response) => Promise<void>;

/** The errors an upstream throws, as the client should see them: 503s say when to retry. */
export function shapeError(err: unknown, res: Response | ServerResponse): unknown {
  if (isDatabaseUnavailable(err)) return unavailable(res);
  if (err instanceof HttpError && err.status === 503 && !res.headersSent)
    res.setHeader('retry-after', String(RETRY_AFTER_S));
  return err;
}

export function shapeRoutes(upstream: ShapeUpstream, opts: { v1Endpoint: boolean; secret?: string }): Router {
  const r = Router();
  r.get('/api/shapes/:shape', async (req, res) => {
    const def = namedShape(req.params.shape, req.query);
    rejectShapeParams(req.query);
    await upstream(def, req, res).catch((err: unknown) => {
      throw shapeError(err, res);
    });
  });
  if (opts.v1Endpoint) {
    r.get('/v1/shape', async (req, res) => {
      // Like Electric: with a secret configured, callers (our own proxy) must present it.
      const given = req.query.secret ?? req.query.api_secret;
      if (opts.secret !== undefined && given !== opts.secret) {
        throw new HttpError(401, 'unauthorized', 'Unauthorized', 'missing or wrong secret');
      }
      await upstream(v1ShapeDef(req.query), req, res).catch((err: unknown) => {
        throw shapeError(err, res);
      });
    });
  }
  return r;
}
