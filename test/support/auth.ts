import { randomBytes } from 'node:crypto';

// Real accounts for tests: a user signs up through better-auth's endpoint, and the test then
// sends that session's cookie (and an Origin, as a browser would) with every request.

export interface Session {
  userId: string;
  name: string;
  email: string;
  cookie: string;
  /** Headers a same-origin browser would send: the cookie and the Origin. */
  headers: Record<string, string>;
}

// Base URL → the headers api(), follow() and connectSocket() send unless told otherwise; the
// test apps register their first user's session here.
const defaults = new Map<string, Record<string, string>>();

export const defaultHeaders = (url: string): Record<string, string> => {
  try {
    return defaults.get(new URL(url).origin) ?? {};
  } catch {
    return {};
  }
};

export const setDefaultHeaders = (base: string, headers: Record<string, string>) =>
  void defaults.set(new URL(base).origin, headers);

export const forgetDefaultHeaders = (base: string) => void defaults.delete(new URL(base).origin);

/** `name=value; …` of the cookies a response set. */
export function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

export async function signUp(
  base: string,
  opts: { name?: string; email?: string; password?: string; inviteToken?: string } = {},
): Promise<Session> {
  const tag = randomBytes(4).toString('hex');
  const name = opts.name ?? `User ${tag}`;
  const email = opts.email ?? `user-${tag}@example.test`;
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(base).origin },
    body: JSON.stringify({
      name,
      email,
      password: opts.password ?? 'correct horse battery',
      ...(opts.inviteToken ? { inviteToken: opts.inviteToken } : {}),
    }),
  });
  if (res.status !== 200) throw new Error(`sign-up ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  const cookie = cookiesOf(res);
  return { userId: body.user.id, name, email, cookie, headers: { cookie, origin: new URL(base).origin } };
}

export async function signIn(base: string, email: string, password = 'correct horse battery') {
  return fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(base).origin },
    body: JSON.stringify({ email, password }),
  });
}

// Database name → its first user: an instance started on a database another instance already
// serves (scale-out tests) uses the same account, as a browser's cookie would on either.
const owners = new Map<string, Session>();

/**
 * Signs the first user of `database` up (or reuses it when another instance on the same database
 * did) and makes its session the default for requests to `base`.
 */
export async function signUpDefault(base: string, database?: string): Promise<Session> {
  const known = database ? owners.get(database) : undefined;
  const origin = new URL(base).origin;
  const s = known
    ? { ...known, headers: { ...known.headers, origin } }
    : await signUp(base, { name: 'Test Owner' });
  if (database) owners.set(database, s);
  setDefaultHeaders(base, s.headers);
  return s;
}

/** Test config: a fixed secret (no .data/ file), sign-up open, rate limits out of the way. */
export const AUTH_TEST_ENV = {
  BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
  AUTH_SIGNUP: 'open',
  AUTH_RATE_LIMIT_PER_MIN: '10000',
  WRITE_RATE_LIMIT_PER_MIN: '1000000',
};

/** fetch with the session registered for the URL's server (its first user), as a browser would. */
export const fetchAs = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { ...defaultHeaders(url), ...(init.headers as Record<string, string>) } });

/**
 * The owner of a spawned server's instance: signs in as owner@example.test, or creates that first
 * account (the first sign-up is always allowed); registers it as the default for `base`.
 */
export async function ownerSession(base: string): Promise<Session> {
  const email = 'owner@example.test';
  const res = await signIn(base, email);
  if (res.status === 200) {
    const body = (await res.json()) as { user: { id: string } };
    const cookie = cookiesOf(res);
    const s = {
      userId: body.user.id,
      name: 'Owner',
      email,
      cookie,
      headers: { cookie, origin: new URL(base).origin },
    };
    setDefaultHeaders(base, s.headers);
    return s;
  }
  const s = await signUp(base, { name: 'Owner', email });
  setDefaultHeaders(base, s.headers);
  return s;
}
