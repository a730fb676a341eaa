// What went wrong with a model call, in words a person can act on, and whether trying again
// (before the first token) can help.

export type ErrorClass =
  | 'transient'
  | 'rate_limited'
  | 'timeout'
  | 'invalid_response'
  | 'auth'
  | 'bad_request'
  | 'cancelled'
  | 'worker_lost'
  | 'too_long'
  | 'unknown';

export interface ClassifiedError {
  errorClass: ErrorClass;
  transient: boolean;
  /** Server-requested wait before retrying (Retry-After), ms. */
  retryAfterMs?: number;
  message: string;
}

/** Thrown by our idle watchdog when the provider goes silent. */
export class ProviderTimeoutError extends Error {
  constructor(ms: number) {
    super(`the model sent nothing for ${Math.round(ms / 1000)} s`);
  }
}

/** The abort reason when a user cancels. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled by the user');
  }
}

/** The abort reason when a reply reaches the longest content a message can hold. */
export class TooLongError extends Error {
  constructor(maxChars: number) {
    super(
      `the reply was too long: it reached ${maxChars.toLocaleString('en-US')} characters, the most a message can hold; the text up to there is kept`,
    );
  }
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

function retryAfter(err: { headers?: unknown }): number | undefined {
  const h = err.headers as { get?: (k: string) => string | null } | Record<string, string> | undefined;
  const raw =
    typeof h?.get === 'function' ? h.get('retry-after') : (h as Record<string, string>)?.['retry-after'];
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(String(raw));
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof CancelledError)
    return { errorClass: 'cancelled', transient: false, message: err.message };
  if (err instanceof TooLongError) return { errorClass: 'too_long', transient: false, message: err.message };
  if (err instanceof ProviderTimeoutError)
    return { errorClass: 'timeout', transient: true, message: err.message };
  const e = (err ?? {}) as {
    headers?: unknown;
    status?: number;
    message?: string;
    name?: string;
    code?: string;
    cause?: { code?: string };
  };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const detail = String(e.message ?? err)
    .split('\n')[0]!
    .slice(0, 300);
  if (status === 429)
    return {
      errorClass: 'rate_limited',
      transient: true,
      retryAfterMs: retryAfter(e),
      message: `the provider is rate limiting (429): ${detail}`,
    };
  if (status === 401 || status === 403)
    return {
      errorClass: 'auth',
      transient: false,
      message: `the provider refused the credentials (${status}); check the API key`,
    };
  if (status === 408 || (status !== undefined && status >= 500))
    return {
      errorClass: 'transient',
      transient: true,
      retryAfterMs: retryAfter(e),
      message: `the provider failed (${status}): ${detail}`,
    };
  if (status !== undefined)
    return {
      errorClass: 'bad_request',
      transient: false,
      message: `the provider rejected the request (${status}): ${detail}`,
    };
  if (e.name === 'SyntaxError')
    return {
      errorClass: 'invalid_response',
      transient: true,
      message: 'the provider sent a malformed stream chunk',
    };
  const code = e.code ?? e.cause?.code;
  if (
    (code && NETWORK_CODES.has(code)) ||
    /terminated|fetch failed|socket hang up|network|connection/i.test(detail)
  )
    return {
      errorClass: 'transient',
      transient: true,
      message: `the connection to the provider broke: ${detail}`,
    };
  return { errorClass: 'unknown', transient: false, message: detail || 'unknown error' };
}

/** Exponential backoff with jitter, at least what the server asked for, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs?: number): number {
  const exp = baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
  return Math.min(maxMs, Math.max(exp, retryAfterMs ?? 0));
}
