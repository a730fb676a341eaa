import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff';

// A seeded generator: the same delays on every run.
function seeded(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('backoff', () => {
  it('grows to its cap and starts over after a reset', () => {
    const top = createBackoff({ minMs: 200, maxMs: 5000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 7].map(() => top.next())).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    top.reset();
    expect(top.next()).toBe(200);
  });

  it('stays between half the minimum and the cap whatever the jitter', () => {
    const b = createBackoff({ minMs: 200, maxMs: 5000, random: seeded(7) });
    for (let i = 0; i < 50; i++) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(5000);
    }
  });
});
