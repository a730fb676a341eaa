import type { ServerResponse } from 'node:http';
import express, { Router, type Request, type Response } from 'express';
import { HttpError } from '../http/problem';
import { ERROR_CACHE_HEADERS } from './cache-headers';
import type { ShapeDef } from './registry';
import { rejectShapeParams } from './protocol';
import { namedShape } from './shapes';
import { isDatabaseUnavailable, RETRY_AFTER_S, unavailable } from './unavailable';
import { electricErrors } from './v1-errors';
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

/** Electric's own routes besides GET /v1/shape (built-in server only). */
export interface V1Extras {
  /** GET /v1/health's status: Electric answers 200 with one of these. */
  status(): 'starting' | 'active' | 'stopping';
  /** DELETE /v1/shape; undefined: 405 as Electric without allow_shape_deletion. */
  deleteShape?: (def: ShapeDef, handle: string | undefined) => Promise<'deleted' | 'missing' | 'mismatch'>;
}

export function shapeRoutes(
  upstream: ShapeUpstream,
  opts: { v1Endpoint: boolean; secret?: string; v1?: V1Extras; bodyLimit?: number },
): Router {
  // POST is a subset snapshot with its parameters in a JSON body (electric-protocol §3.6); a body
  // over the limit is a 413, as Electric answers.
  const subsetBody = express.json({ limit: opts.bodyLimit ?? 64 * 1024, strict: true, type: () => true });
  const r = Router();
  // Errors are never stored by a cache in front; every 2xx sets its own Cache-Control (wire.ts).
  const noStore = (_req: Request, res: Response, next: () => void) => {
    res.set(ERROR_CACHE_HEADERS);
    next();
  };
  r.use(['/api/shapes', '/v1/shape'], noStore);
  const named = async (req: Request, res: Response) => {
    const def = namedShape(String(req.params.shape), req.query);
    rejectShapeParams(req.query);
    await upstream(def, req, res).catch((err: unknown) => {
      throw shapeError(err, res);
    });
  };
  r.get('/api/shapes/:shape', named);
  r.post('/api/shapes/:shape', subsetBody, named);
  if (opts.v1Endpoint) {
    const v1 = Router();
    // Like Electric: with a secret configured, callers (our own proxy) must present it.
    v1.use('/v1/shape', (req, _res, next) => {
      const given = req.query.secret ?? req.query.api_secret;
      if (opts.secret !== undefined && given !== opts.secret) {
        throw new HttpError(401, 'unauthorized', 'Unauthorized', 'Unauthorized - Invalid API secret');
      }
      next();
    });
    const v1Shape = async (req: Request, res: Response) => {
      await upstream(v1ShapeDef(req.query), req, res).catch((err: unknown) => {
        throw shapeError(err, res);
      });
    };
    v1.get('/v1/shape', v1Shape);
    v1.post('/v1/shape', subsetBody, v1Shape);
    v1.delete('/v1/shape', async (req, res) => {
      const remove = opts.v1?.deleteShape;
      if (!remove) throw new HttpError(405, 'method-not-allowed', 'Method not allowed', 'DELETE not allowed');
      const handle = typeof req.query.handle === 'string' ? req.query.handle : undefined;
      const result = await remove(v1ShapeDef(req.query), handle).catch((err: unknown) => {
        throw shapeError(err, res);
      });
      if (result === 'missing') throw new HttpError(404, 'not-found', 'Not found', 'No existing shape found');
      if (result === 'mismatch')
        throw new HttpError(
          400,
          'validation-error',
          'Invalid request',
          'handle does not match the shape definition',
        );
      res.status(202).end();
    });
    v1.get('/v1/health', (_req, res) => {
      res
        .status(200)
        .type('application/json')
        .send(JSON.stringify({ status: opts.v1?.status() ?? 'active' }));
    });
    v1.use(electricErrors);
    r.use(v1);
  }
  return r;
}
