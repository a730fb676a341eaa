import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isRefusal, refuse, type shapeCheck } from './shape-access';

// GET /api/shapes/authorize, for a caching proxy's auth_request (nginx) or equivalent: the same
// gate as a shape request, run on the shape URL the proxy names in X-Original-URI with the
// caller's cookie / Authorization, without reading any shape data. 204: let the request through
// to the cache; 401 / 403: refuse it. So a cached answer is only ever served to someone allowed to
// read it (docs/accounts.md, "Behind a caching proxy").

const SHAPES = '/api/shapes/';

export function shapeAuthorize(check: ReturnType<typeof shapeCheck>, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const uri = req.headers['x-original-uri'];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return refuse(res, { status: 405, title: 'Method not allowed', detail: 'GET only' });
    }
    if (typeof uri !== 'string' || !uri.startsWith(SHAPES)) {
      // Nothing to authorize: refused, so a misconfigured proxy fails closed.
      return refuse(res, {
        status: 403,
        title: 'Forbidden',
        detail: 'X-Original-URI must name a shape (/api/shapes/...)',
      });
    }
    check(req.headers, uri).then(
      ({ verdict }) => {
        if (isRefusal(verdict)) return refuse(res, verdict);
        res.writeHead(204, { 'cache-control': 'no-store' });
        res.end();
      },
      (err: unknown) => {
        log.error({ err }, 'shape authorization failed');
        refuse(res, { status: 503, title: 'Unavailable', detail: 'try again shortly' });
      },
    );
  };
}
