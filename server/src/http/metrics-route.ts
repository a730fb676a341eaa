import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Metrics } from '../metrics';
import { HttpError } from './problem';

/**
 * Times every request into the HTTP histogram, labelled by the route PATTERN that answered
 * (`/api/tasks/:id`), never the raw URL: label values stay bounded whatever clients send.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.http.startTimer({ method: req.method });
    res.once('finish', () => {
      const base = (res.locals.routeBase as string | undefined) ?? req.baseUrl;
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      // Our routes are strings; any other kind of pattern is still one bounded value.
      const route =
        pattern === undefined ? 'unmatched' : `${base}${typeof pattern === 'string' ? pattern : '(pattern)'}`;
      end({ route, status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * Mounted first in a router under a prefix: remembers that prefix, which Express resets on the
 * way out of the router when a route throws (the error handler runs outside it).
 */
export const rememberRouteBase: RequestHandler = (req, res, next) => {
  res.locals.routeBase = req.baseUrl;
  next();
};

/**
 * GET /metrics in Prometheus text format. With METRICS_TOKEN set it needs
 * `Authorization: Bearer <token>`; without one it is open, except in production, where an
 * unprotected endpoint would publish traffic and load figures to anyone: 403 until a token is set.
 */
export function metricsRoute(metrics: Metrics, opts: { token?: string; production: boolean }): Router {
  const r = Router();
  const expected = opts.token ? Buffer.from(`Bearer ${opts.token}`) : undefined;
  r.get('/metrics', async (req, res) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new HttpError(
          401,
          'unauthorized',
          'Unauthorized',
          'send Authorization: Bearer <METRICS_TOKEN>',
        );
      }
    } else if (opts.production) {
      throw new HttpError(
        403,
        'forbidden',
        'Forbidden',
        'set METRICS_TOKEN to expose /metrics in production',
      );
    }
    const text = await metrics.text();
    res.type(metrics.registry.contentType).send(text);
  });
  return r;
}
