import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

// Security headers (helmet) with a Content-Security-Policy the built client works with: its
// scripts, styles and assets come from this origin (Vite emits no inline script), sockets and
// shapes go to this origin (connect-src 'self' covers same-origin ws: in current browsers), and
// Solid sets inline styles (style-src 'unsafe-inline'). HTTPS-only headers (HSTS,
// upgrade-insecure-requests) only when PUBLIC_URL is https: on plain http (a LAN address, the
// default localhost) they would break the app.

export function securityHeaders(config: Config): RequestHandler {
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
