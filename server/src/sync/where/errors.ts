import { HttpError } from '../../http/problem';

// A refused shape parameter: 400 naming the parameter, so /v1/shape can answer Electric's
// `{"message":"Invalid request","errors":{"where":["…"]}}` and /api/* its problem JSON.

export function invalidParam(param: string, message: string): HttpError {
  return new HttpError(400, 'validation-error', 'Invalid request', `${param}: ${message}`, [
    { path: param, message },
  ]);
}
