import { describe, expect, it } from 'vitest';
import type { IncomingHttpHeaders } from 'node:http';
import type { UserActor } from './actor';
import { cachedSessions } from './session-cache';

// The in-process session cache: one resolution per cookie within the TTL and the session's
// expiry, nothing kept across a clear() (an auth write), no caching of "no session" or API keys.

const actor = (expiresAt = Infinity): UserActor => ({
  kind: 'user',
  userId: 'u1',
  name: 'Ada',
  isAdmin: false,
  via: 'session',
  sessionId: 's1',
  expiresAt,
});

function counting(answer: () => UserActor | null = () => actor()) {
  const calls: IncomingHttpHeaders[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const resolve = (headers: IncomingHttpHeaders) => {
    calls.push(headers);
    if (!hold) return Promise.resolve(answer());
    return new Promise<UserActor | null>((r) => (release = () => r(answer())));
  };
  return {
    resolve,
    calls,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release!();
    },
  };
}

describe('cachedSessions', () => {
  it('resolves a cookie once within the TTL, again after it', async () => {
    let t = 0;
    const inner = counting();
    const cache = cachedSessions(inner.resolve, 1000, { now: () => t });
    await cache.resolve({ cookie: 'a' });
    t = 999;
    expect(await cache.resolve({ cookie: 'a' })).toMatchObject({ userId: 'u1' });
    expect(inner.calls).toHaveLength(1);
    t = 1000;
    await cache.resolve({ cookie: 'a' });
    expect(inner.calls).toHaveLength(2);
    await cache.resolve({ cookie: 'b' });
    expect(inner.calls).toHaveLength(3);
  });

  it('never keeps a session past its expiry', async () => {
    let t = 0;
    const inner = counting(() => actor(10));
    const cache = cachedSessions(inner.resolve, 1000, { now: () => t });
    await cache.resolve({ cookie: 'a' });
    t = 10;
    await cache.resolve({ cookie: 'a' });
    expect(inner.calls).toHaveLength(2);
  });

  it('forgets everything on clear(), including a resolution still in flight', async () => {
    const inner = counting();
    const cache = cachedSessions(inner.resolve, 60_000);
    await cache.resolve({ cookie: 'a' });
    cache.clear();
    expect(cache.size).toBe(0);
    inner.holdNext();
    const pending = cache.resolve({ cookie: 'a' });
    cache.clear(); // a sign-out while that look-up runs: its answer may predate it
    inner.release();
    await pending;
    expect(cache.size).toBe(0);
    await cache.resolve({ cookie: 'a' });
    expect(inner.calls).toHaveLength(3);
  });

  it('shares one look-up between concurrent requests with the same cookie', async () => {
    const inner = counting();
    const cache = cachedSessions(inner.resolve, 60_000);
    inner.holdNext();
    const both = Promise.all([cache.resolve({ cookie: 'a' }), cache.resolve({ cookie: 'a' })]);
    inner.release();
    expect((await both).map((a) => a?.userId)).toEqual(['u1', 'u1']);
    expect(inner.calls).toHaveLength(1);
  });

  it('does not cache "no session", API keys, or anything with a TTL of 0', async () => {
    const none = counting(() => null);
    const cache = cachedSessions(none.resolve, 60_000);
    await cache.resolve({ cookie: 'a' });
    await cache.resolve({ cookie: 'a' });
    expect(none.calls).toHaveLength(2);
    const keys = counting();
    const byKey = cachedSessions(keys.resolve, 60_000);
    await byKey.resolve({ cookie: 'a', authorization: 'Bearer k' });
    await byKey.resolve({ cookie: 'a', authorization: 'Bearer k' });
    expect(keys.calls).toHaveLength(2);
    const off = counting();
    const disabled = cachedSessions(off.resolve, 0);
    await disabled.resolve({ cookie: 'a' });
    await disabled.resolve({ cookie: 'a' });
    expect(off.calls).toHaveLength(2);
  });

  it('holds at most `max` cookies, dropping the oldest', async () => {
    const inner = counting();
    const cache = cachedSessions(inner.resolve, 60_000, { max: 2 });
    for (const c of ['a', 'b', 'c']) await cache.resolve({ cookie: c });
    expect(cache.size).toBe(2);
    await cache.resolve({ cookie: 'a' });
    expect(inner.calls).toHaveLength(4);
  });
});
