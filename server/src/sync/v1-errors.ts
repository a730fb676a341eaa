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
  'body',
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

/** express.json's refusals of a POST subset body (not HttpErrors): as Electric words them. */
function bodyError(err: unknown): HttpError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large')
    return new HttpError(413, 'payload-too-large', 'Payload too large', 'Request body too large');
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new HttpError(400, 'validation-error', 'Invalid request', 'body: must be a JSON object', [
      { path: 'body', message: 'must be a JSON object' },
    ]);
  return undefined;
}

export const electricErrors: ErrorRequestHandler = (err, _req, res, next) => {
  const e = err instanceof HttpError ? err : bodyError(err);
  if (!e || res.headersSent) return next(err);
  // A refused parameter is Electric's `invalid_request` ({message, errors}); any other 400 (a
  // handle that does not match its definition) and other statuses are `{message}`.
  const body =
    e.status === 400 && e.code === 'validation-error'
      ? { message: 'Invalid request', errors: { [field(e)]: [message(e)] } }
      : { message: e.detail };
  res.status(e.status).type('application/json').send(JSON.stringify(body));
};
