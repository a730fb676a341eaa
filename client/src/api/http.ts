import type { Problem } from '@kanban/shared';

/** A failed API call, carrying the server's problem+json so the UI can say why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }
}

/** The sentence a person reads in a toast: the problem's detail, or the best we have. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    // Field errors read better without the transport prefix ("body.title" -> "title").
    const clean = (s: string) => s.replace(/\b(body|query|path)\./g, '');
    const detail = clean(err.problem.detail || err.problem.title);
    const fields = (err.problem.errors ?? [])
      .map((e) => clean(`${e.path}: ${e.message}`))
      .filter((f) => !detail.includes(f));
    return fields.length ? `${detail} (${fields.join('; ')})` : detail;
  }
  if (err instanceof TypeError) return 'The server cannot be reached. Check your connection.';
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

function asProblem(status: number, body: unknown, statusText: string): Problem {
  if (body && typeof body === 'object' && 'detail' in body) return body as Problem;
  return { type: 'about:blank', title: statusText || 'Request failed', status, detail: statusText };
}

/** JSON over fetch; throws ApiError for any non-2xx answer. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
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
  if (!res.ok) throw new ApiError(res.status, asProblem(res.status, parsed, res.statusText));
  return parsed as T;
}
