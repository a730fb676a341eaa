import type { Problem } from '@kanban/shared';
import { fieldSentences } from '../lib/field-errors';
import { reportUnauthenticated } from '../auth/unauthenticated';

/** A failed API call, carrying the server's problem+json (and what was sent) so the UI can say why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** The body sent, so a field error can say how long the text was. */
    readonly sent?: unknown,
    /** Which row the request was about: a bare `name` is a board's or a column's. */
    readonly scope?: 'board' | 'column',
  ) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }
}

/** The sentence a person reads: field errors as sentences, else the problem's detail. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const errors = err.problem.errors ?? [];
    if (errors.length) return fieldSentences(errors, err.sent, err.scope);
    return err.problem.detail || err.problem.title;
  }
  if (err instanceof TypeError) return 'The server cannot be reached. Check your connection.';
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

function asProblem(status: number, body: unknown, statusText: string): Problem {
  if (body && typeof body === 'object' && 'detail' in body) return body as Problem;
  // better-auth's own errors: `{ code, message }`.
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    const message = (body as { message: string }).message;
    return { type: 'about:blank', title: message, status, detail: message };
  }
  return { type: 'about:blank', title: statusText || 'Request failed', status, detail: statusText };
}

const scopeOf = (path: string) =>
  /\/columns(\/|$|\?)/.test(path) ? 'column' : /^\/api\/boards(\/[^/]+)?$/.test(path) ? 'board' : undefined;

/** JSON over fetch; throws ApiError for any non-2xx answer. */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  // A session that ended (not a failed sign-in, which better-auth also answers 401).
  if (res.status === 401 && !path.startsWith('/api/auth/')) reportUnauthenticated();
  if (!res.ok)
    throw new ApiError(res.status, asProblem(res.status, parsed, res.statusText), body, scopeOf(path));
  return parsed as T;
}
