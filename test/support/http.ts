import { defaultHeaders } from './auth';

/** A small JSON client for tests: real HTTP, status and body back, never throws on 4xx. */
export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * `defaults`: headers sent with every call (a session's cookie and Origin); unset, those the
 * test app registered for `base` (its first user, see auth.ts); pass {} for anonymous calls.
 */
export function api(base: string, defaults?: Record<string, string>) {
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> => {
    const init: RequestInit = { method, headers: { ...(defaults ?? defaultHeaders(base)), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  };
  return {
    get: <T = any>(p: string) => call<T>('GET', p),
    post: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('POST', p, b, h),
    patch: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('PATCH', p, b, h),
    del: <T = any>(p: string) => call<T>('DELETE', p),
    call,
  };
}
