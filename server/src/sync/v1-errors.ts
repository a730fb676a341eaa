import type { ErrorRequestHandler } from 'express';
import { HttpError } from '../http/problem';

// On /v1/shape errors look as Electric sends them (electric-protocol §2.5), so a client or proxy
// written for Electric reads them: 400 `{"message":"Invalid request","errors":{"<param>":["…"]}}`,
// other statuses `{"message":"…"}`. /api/* keeps problem JSON. Unexpected errors go on to the
// app's handler (logged, a 500 without details).

const PARAMS = [
  'table',
  'where',
  'params',
  'columns',
  'replica',
  'offset',
  'handle',
  'live',
  'log',
  'cursor',
];

/** The parameter a refusal is about: named by invalidParam, else the detail's first word. */
function field(e: HttpError): string {
  const named = e.errors?.[0]?.path;
  if (named) return named;
  const first = /^[a-z_]+/.exec(e.detail)?.[0];
  if (first && PARAMS.includes(first)) return first;
  if (first === 'subset') return 'subset';
  return first === 'live_sse' || first === 'server' ? 'live_sse' : 'request';
}

function message(e: HttpError): string {
  const named = e.errors?.[0];
  return named ? named.message : e.detail;
}

export const electricErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof HttpError) || res.headersSent) return next(err);
  const body =
    err.status === 400
      ? { message: 'Invalid request', errors: { [field(err)]: [message(err)] } }
      : { message: err.detail };
  res.status(err.status).type('application/json').send(JSON.stringify(body));
};
