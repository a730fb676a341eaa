import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { originAllowed } from '../auth/origins';
import { HttpError } from './problem';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie-authenticated unsafe requests must come from a trusted origin (Origin, or Referer):
 * SameSite=Lax already keeps the cookie off cross-site POSTs in current browsers; this also
 * covers same-site subdomains and older browsers. Bearer (API key) requests carry no ambient
 * credential and are not checked.
 */
export function csrfCheck(config: Config): RequestHandler {
  return (req, _res, next) => {
    if (SAFE.has(req.method) || req.headers.authorization !== undefined || !req.headers.cookie) return next();
    if (originAllowed(req.headers, config)) return next();
    next(
      new HttpError(
        403,
        'cross-origin',
        'Cross-origin request refused',
        'a signed-in write must come from this app (its Origin header did not match)',
      ),
    );
  };
}
