import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config';

// Which origins may send cookie-authenticated writes and open sockets: the app's own (PUBLIC_URL,
// or the origin the request was addressed to) and ALLOWED_ORIGINS. One rule for REST (csrf.ts),
// better-auth (trustedOrigins) and Socket.IO (io.use).

/** The origin a request was addressed to, from its Host header (and the proxy's proto). */
export function selfOrigin(headers: IncomingHttpHeaders, config: Config): string | undefined {
  if (config.PUBLIC_URL) return new URL(config.PUBLIC_URL).origin;
  const host = headers.host;
  if (!host) return undefined;
  const forwarded = config.TRUST_PROXY > 0 ? headers['x-forwarded-proto'] : undefined;
  const proto = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : 'http';
  return `${proto}://${host}`;
}

export function trustedOrigins(headers: IncomingHttpHeaders, config: Config): string[] {
  const self = selfOrigin(headers, config);
  return [...(self ? [self] : []), ...config.ALLOWED_ORIGINS];
}

/** The Origin (or, failing that, the Referer's origin) a browser attached; undefined if none. */
export function requestOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin;
  if (origin && origin !== 'null') return origin;
  const referer = headers.referer;
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

export function originAllowed(headers: IncomingHttpHeaders, config: Config): boolean {
  const origin = requestOrigin(headers);
  return origin !== undefined && trustedOrigins(headers, config).includes(origin);
}
