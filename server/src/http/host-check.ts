import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { HttpError } from './problem';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The Host allow-list against DNS rebinding: a page on an attacker's name resolving to this
 * server must not be answered as if it were the app. On a loopback listener any Host is fine
 * unless ALLOWED_HOSTS is set; beyond loopback, ALLOWED_HOSTS and PUBLIC_URL's host (plus loopback
 * names, for health checks on the machine itself).
 */
export function hostCheck(config: Config): RequestHandler | undefined {
  const allowed = new Set(config.ALLOWED_HOSTS);
  if (config.PUBLIC_URL) allowed.add(new URL(config.PUBLIC_URL).host.toLowerCase());
  if (LOOPBACK.has(config.HOST) && config.ALLOWED_HOSTS.length === 0) return undefined;
  // Beyond loopback with no name configured there is nothing to compare with (main.ts warns).
  if (allowed.size === 0) return undefined;
  return (req, _res, next) => {
    const host = (req.headers.host ?? '').toLowerCase();
    const name = host.replace(/:\d+$/, '');
    if (allowed.has(host) || allowed.has(name) || LOOPBACK.has(name)) return next();
    next(
      new HttpError(
        421,
        'unknown-host',
        'Misdirected request',
        'this server does not answer for that host name',
      ),
    );
  };
}
