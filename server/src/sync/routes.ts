import { Router, type Request, type Response } from 'express';
import type { ShapeDef } from './registry';
import { namedShape } from './shapes';
import { v1ShapeDef } from './v1-shape';

/** Serves (built-in) or forwards (Electric) one shape request. */
export type ShapeUpstream = (def: ShapeDef, req: Request, res: Response) => Promise<void>;

export function shapeRoutes(upstream: ShapeUpstream, opts: { v1Endpoint: boolean }): Router {
  const r = Router();
  r.get('/api/shapes/:shape', async (req, res) => {
    await upstream(namedShape(req.params.shape, req.query), req, res);
  });
  if (opts.v1Endpoint) {
    r.get('/v1/shape', async (req, res) => {
      await upstream(v1ShapeDef(req.query), req, res);
    });
  }
  return r;
}
