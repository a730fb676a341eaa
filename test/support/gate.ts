// Holds a fake-LLM token stream at chosen token indexes (Script.beforeToken), so a test acts at
// a known point of the stream: "after the k-th token was sent" is an event, not a guessed delay.

interface Hold {
  /** Resolves when the stream has sent tokens 0..index-1 and waits before token `index`. */
  reached: Promise<void>;
  release(): void;
}

export interface TokenGate {
  /** Holds the stream before token `index` until `release()` (register before streaming). */
  holdAt(index: number): Hold;
  /** Give as Script.beforeToken. */
  beforeToken(index: number): Promise<void> | undefined;
  /** Releases every hold, e.g. in a finally so a failed test does not leave a stream hanging. */
  releaseAll(): void;
}

export function tokenGate(): TokenGate {
  const holds = new Map<number, { reached: () => void; released: Promise<void>; release: () => void }>();
  const api: TokenGate = {
    holdAt(index) {
      let reached!: () => void;
      let release!: () => void;
      const reachedP = new Promise<void>((r) => (reached = r));
      const released = new Promise<void>((r) => (release = r));
      holds.set(index, { reached, released, release });
      return { reached: reachedP, release };
    },
    beforeToken(index) {
      const h = holds.get(index);
      if (!h) return undefined;
      h.reached();
      return h.released;
    },
    releaseAll() {
      for (const h of holds.values()) h.release();
    },
  };
  return api;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same choices on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for a test's randomness: TEST_SEED when given (to replay a failure), else `fixed`. */
export function testSeed(fixed: number): number {
  const given = process.env.TEST_SEED;
  return given !== undefined && given !== '' ? Number(given) : fixed;
}

/** Fails with `what` if `p` has not settled within `ms` (a bound on an awaited event, not a wait). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}
