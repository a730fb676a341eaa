import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { signUp } from '../support/auth';

// The web role's session cache (auth/session-cache.ts) must not outlive a sign-out handled by
// this process. The request carries only the session token cookie (no better-auth cookie-cache
// copy), so better-auth itself looks the session up: after the sign-out only our cache could
// still answer for it.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ SESSION_CACHE_MS: '60000' });
});
afterAll(() => t?.close());

describe('session cache', () => {
  it('a signed-out session is refused at once, although it was cached', async () => {
    const user = await signUp(t.url, { name: 'Sid' });
    const token = user.cookie.split('; ').find((c) => c.includes('session_token='))!;
    expect(token).toBeDefined();
    const headers = { cookie: token, origin: new URL(t.url).origin };
    for (let i = 0; i < 2; i++) expect((await fetch(`${t.url}/api/boards`, { headers })).status).toBe(200);
    const out = await fetch(`${t.url}/api/auth/sign-out`, { method: 'POST', headers });
    expect(out.status).toBe(200);
    expect((await fetch(`${t.url}/api/boards`, { headers })).status).toBe(401);
  });
});
