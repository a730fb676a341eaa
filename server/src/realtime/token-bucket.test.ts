import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate, never above the burst', () => {
    let now = 1_000;
    const b = new TokenBucket(2, 3, () => now); // 2 a second, burst 3
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now += 499; // 0.998 of a token
    expect(b.take()).toBe(false);
    now += 1;
    expect(b.take()).toBe(true);
    now += 60_000; // a long idle time refills to the burst only
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});
