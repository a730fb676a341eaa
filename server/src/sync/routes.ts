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
import { invalidParam } from './where/errors';

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
  /** DELETE /v1/shape?handle=… without table: the shape with that handle. */
  deleteHandle?: (handle: string) => Promise<'deleted' | 'missing'>;
}

// Electric's CORS on /v1/shape (plug/utils.ex CORSHeaderPlug, shapes/api/options.ex): a browser on
// another origin may read the electric-* headers (without them the client fails with
// MissingHeadersError). Only /v1/shape: the app's own /api/shapes are same-origin, with cookies.
const V1_EXPOSE_HEADERS = [
  'electric-cursor',
  'electric-handle',
  'electric-has-data',
  'electric-offset',
  'electric-schema',
  'electric-snapshot',
  'electric-up-to-date',
  'electric-internal-known-error',
  'retry-after',
].join(',');
const V1_PREFLIGHT_HEADERS = ['if-none-match', 'traceparent'];

function v1Cors(req: Request, res: Response, next: () => void) {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('access-control-expose-headers', V1_EXPOSE_HEADERS);
  res.setHeader('access-control-allow-methods', 'GET, POST, HEAD, DELETE, OPTIONS');
  if (req.method !== 'OPTIONS') return next();
  // Preflight: 204, cached a day, allowing only the request headers Electric allows.
  const asked = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => V1_PREFLIGHT_HEADERS.includes(h));
  res.removeHeader('cache-control');
  res.setHeader('access-control-max-age', '86400');
  if (asked.length > 0) res.setHeader('access-control-allow-headers', asked.join(','));
  res.status(204).end();
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
    v1.use('/v1/shape', v1Cors);
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
      const removeHandle = opts.v1?.deleteHandle;
      if (!remove || !removeHandle)
        throw new HttpError(405, 'method-not-allowed', 'Method not allowed', 'DELETE not allowed');
      const handle = typeof req.query.handle === 'string' && req.query.handle ? req.query.handle : undefined;
      // As Electric (shapes/api/delete.ex): by definition (and handle), or by handle alone.
      if (req.query.table === undefined && handle === undefined)
        throw invalidParam('handle', "can't be blank when shape definition is missing");
      const result = await (
        req.query.table === undefined ? removeHandle(handle!) : remove(v1ShapeDef(req.query), handle)
      ).catch((err: unknown) => {
        throw shapeError(err, res);
      });
      if (result === 'missing') throw new HttpError(404, 'not-found', 'Not found', 'No existing shape found');
      if (result === 'mismatch')
        throw new HttpError(
          400,
          'shape-mismatch',
          'Bad request',
          'The specified shape definition and handle do not match. Please ensure the shape definition is correct or omit the shape handle from the request to obtain a new one.',
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
