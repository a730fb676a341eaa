import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/auth';

// Its own file: better-auth's in-memory rate-limit counters are per process, so sign-ups of other
// files' apps in the same window would count against this one's low limit.

describe('sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MIN: '5' });
  });
  afterAll(() => t?.close());

  it('throttles a brute-force sign-in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await signIn(t.url, t.owner!.email, `wrong-${i}`)).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // Even the right password is throttled until the window passes.
    expect((await signIn(t.url, t.owner!.email)).status).toBe(429);
  });
});
