/**
 * Exponential backoff with full jitter: many pages cut by one restart do not all come back in the
 * same millisecond. `random` is injectable so the unit test is seeded.
 */
export function createBackoff(opts: { minMs: number; maxMs: number; random?: () => number }) {
  const random = opts.random ?? Math.random;
  let attempt = 0;
  return {
    next(): number {
      const cap = Math.min(opts.maxMs, opts.minMs * 2 ** attempt);
      attempt++;
      return Math.round(opts.minMs / 2 + random() * (cap - opts.minMs / 2));
    },
    reset() {
      attempt = 0;
    },
  };
}
