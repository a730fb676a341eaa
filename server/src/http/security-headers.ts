import helmet from 'helmet';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';

// Security headers (helmet) with a Content-Security-Policy the built client works with: its
// scripts, styles and assets come from this origin (Vite emits no inline script), sockets and
// shapes go to this origin (connect-src 'self' covers same-origin ws: in current browsers), and
// Solid sets inline styles (style-src 'unsafe-inline'). HTTPS-only headers (HSTS,
// upgrade-insecure-requests) only when PUBLIC_URL is https: on plain http (a LAN address, the
// default localhost) they would break the app.

export function securityHeaders(config: Config): RequestHandler {
  return precomputed(helmetFor(config));
}

/**
 * Helmet's headers depend on the config alone (no nonce, no per-request directive): they are
 * computed once, by running its middleware against a recorder, and every request gets them in
 * one loop instead of helmet's chain of a dozen middlewares (issue 13, docs/performance.md).
 * A middleware that did anything but set and remove headers, or that answered asynchronously,
 * is refused here at start-up rather than half-recorded.
 */
function precomputed(middleware: RequestHandler): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  let called = false;
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  void middleware({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    called = true;
  });
  if (!called) throw new Error('security headers: helmet did not answer synchronously');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}

function helmetFor(config: Config): RequestHandler {
  const https = config.PUBLIC_URL?.startsWith('https:') ?? false;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'font-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    // The API is read cross-origin by nobody; the client is same-origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
