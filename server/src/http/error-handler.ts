import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../commands/errors';
import { pgProblem } from './pg-errors';
import { HttpError } from './problem';
import { databaseUnavailable } from './unavailable';
import { logFor } from './request-log';

// body-parser's error types and what they mean for the client.
const BODY_ERRORS: Record<string, [number, string, string, string]> = {
  'entity.too.large': [
    413,
    'payload-too-large',
    'Payload too large',
    'the request body is larger than allowed',
  ],
  'entity.parse.failed': [400, 'malformed-json', 'Malformed JSON', 'the request body is not valid JSON'],
  'encoding.unsupported': [
    415,
    'unsupported-media-type',
    'Unsupported encoding',
    'unsupported content encoding',
  ],
  'charset.unsupported': [
    415,
    'unsupported-media-type',
    'Unsupported charset',
    'the body must be UTF-8 JSON',
  ],
  'request.aborted': [400, 'aborted', 'Request aborted', 'the client aborted the request'],
  'request.size.invalid': [
    400,
    'malformed-body',
    'Invalid body size',
    'the body size does not match its length',
  ],
};

// A domain error's kind and the HTTP answer it gets.
const DOMAIN: Record<DomainError['kind'], [number, string, string]> = {
  'not-found': [404, 'not-found', 'Not found'],
  conflict: [409, 'conflict', 'Conflict'],
  invalid: [400, 'validation-error', 'Invalid request'],
  unauthenticated: [401, 'unauthenticated', 'Sign-in required'],
  forbidden: [403, 'forbidden', 'Forbidden'],
  gone: [410, 'gone', 'Gone'],
};

/** The problem answer for an error we expect; undefined means our fault (a 500, logged). */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) {
    const [status, code, title] = DOMAIN[err.kind];
    return new HttpError(status, code, title, err.detail, err.errors);
  }
  if (typeof err !== 'object' || err === null) return undefined;
  const db = pgProblem(err);
  if (db) return db;
  const e = err as { type?: string; status?: number };
  if (e.type && BODY_ERRORS[e.type]) {
    const [status, code, title, detail] = BODY_ERRORS[e.type]!;
    return new HttpError(status, code, title, detail);
  }
  // Another library's 4xx (http-errors): its message is not ours to echo.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'bad-request', 'Bad request', 'the request was refused');
  }
  return undefined;
}

/** Every error ends here: a problem+json body, never a stack trace. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = databaseUnavailable(err, res) ?? toHttpError(err);
    const problem =
      known?.toProblem() ??
      ({
        type: '/problems/internal',
        title: 'Internal error',
        status: 500,
        detail: 'something went wrong on our side',
      } as const);
    if (!known) logFor(req, log).error({ err }, 'unhandled error');
    // A database refusal answered in our words: its own text stays in the log.
    else if (pgProblem(err)) logFor(req, log).info({ err }, 'the database refused the request');
    if (res.headersSent) return void res.end();
    res.status(problem.status).type('application/problem+json').json(problem);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not-found', 'Not found', `no route for ${req.method} ${req.path}`));
};

/** Writes must send JSON; anything else is 415 before it reaches a route. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  // The exact header every JSON client sends is taken without type-is' parse (most requests).
  const json = () =>
    req.headers['content-type'] === 'application/json' || Boolean(req.is('application/json'));
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !json()) {
    return next(
      new HttpError(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'send the body as application/json',
      ),
    );
  }
  next();
};
