import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { api } from '../support/http';
import { expectProblem } from '../support/rest';
import { signUp } from '../support/auth';

// The web hardening that comes with sessions: security headers (helmet, a CSP the client works
// with), HTTPS-only headers and Secure cookies only with an https PUBLIC_URL, the per-user write
// rate limit (429 problem JSON with Retry-After), the Host allow-list (DNS rebinding) and
// `trust proxy` (the client address from X-Forwarded-For only when configured).

const apps: TestApp[] = [];
const start = async (env: Record<string, string>, opts: { anonymous?: boolean } = {}) => {
  const t = await startTestApp(env, opts);
  apps.push(t);
  return t;
};
afterAll(async () => {
  for (const t of apps) await t.close();
});

/** A GET with a Host header of our choosing (fetch does not let one set Host). */
const getWithHost = (base: string, path: string, host: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('security headers', () => {
  it('plain http: CSP and the usual headers, no HSTS, no upgrade, no Secure cookie', async () => {
    const t = await start({}, { anonymous: true });
    const res = await fetch(`${t.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    // The API answers carry them too.
    expect((await fetch(`${t.url}/api/instance`)).headers.get('x-content-type-options')).toBe('nosniff');
    const s = await signUp(t.url);
    expect(s.cookie).toMatch(/^better-auth\.session_token=/);
  });

  it('https PUBLIC_URL: HSTS, upgrade-insecure-requests and Secure cookies', async () => {
    const publicUrl = 'https://kanban.example.test';
    const t = await start({ PUBLIC_URL: publicUrl }, { anonymous: true });
    const res = await fetch(`${t.url}/`);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    const up = await fetch(`${t.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: publicUrl },
      body: JSON.stringify({ name: 'Sec', email: 'sec@example.test', password: 'correct horse battery' }),
    });
    expect(up.status).toBe(200);
    const cookies = up.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) {
      expect(c).toMatch(/^__Secure-better-auth\./);
      expect(c).toMatch(/; Secure/i);
      expect(c).toMatch(/; HttpOnly/i);
      expect(c).toMatch(/; SameSite=Lax/i);
    }
  });
});

describe('per-user write rate limit', () => {
  it('429 problem JSON with Retry-After past WRITE_RATE_LIMIT_PER_MIN; reads and other users go on', async () => {
    const t = await start({ WRITE_RATE_LIMIT_PER_MIN: '3' });
    const http = api(t.url);
    for (let i = 0; i < 3; i++) expect((await http.post('/api/boards', { name: `b${i}` })).status).toBe(201);
    const over = await http.post('/api/boards', { name: 'one too many' });
    expectProblem(over, 429);
    expect(over.body.type).toBe('/problems/rate-limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await http.get('/api/boards')).status).toBe(200);
    const other = await signUp(t.url);
    expect((await api(t.url, other.headers).post('/api/boards', { name: 'mine' })).status).toBe(201);
    // Nothing was written by the refused request.
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM boards WHERE name = 'one too many'`,
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('Host allow-list', () => {
  it('421 problem for a Host not allowed; the allowed name and loopback are answered', async () => {
    const t = await start({ ALLOWED_HOSTS: 'kanban.example.test' }, { anonymous: true });
    const bad = await getWithHost(t.url, '/api/instance', 'evil.example.test');
    expect(bad.status).toBe(421);
    expect(JSON.parse(bad.body)).toMatchObject({ type: '/problems/unknown-host', status: 421 });
    expect((await getWithHost(t.url, '/api/instance', 'kanban.example.test')).status).toBe(200);
    expect((await getWithHost(t.url, '/readyz', '127.0.0.1')).status).toBe(200);
  });
});

describe('trust proxy', () => {
  const signUpFrom = async (t: TestApp, forwardedFor: string) => {
    const res = await fetch(`${t.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: new URL(t.url).origin,
        'x-forwarded-for': forwardedFor,
      },
      body: JSON.stringify({
        name: 'Px',
        email: `px-${forwardedFor}@example.test`,
        password: 'correct horse battery',
      }),
    });
    expect(res.status).toBe(200);
    const { user } = (await res.json()) as { user: { id: string } };
    const { rows } = await t.db.pool.query(`SELECT "ipAddress" FROM "session" WHERE "userId" = $1`, [
      user.id,
    ]);
    return rows[0].ipAddress as string | null;
  };

  it('uses X-Forwarded-For only with TRUST_PROXY', async () => {
    const behind = await start({ TRUST_PROXY: '1' }, { anonymous: true });
    expect(await signUpFrom(behind, '203.0.113.7')).toBe('203.0.113.7');
    const direct = await start({}, { anonymous: true });
    expect(await signUpFrom(direct, '203.0.113.8')).not.toBe('203.0.113.8');
  });
});
