// While a connection is down, ask Postgres with backoff until it answers, then report it up.
// Used for connections whose library reconnects silently (pools, pg-boss): without a probe their
// state would stay "down" until the next real query happened to succeed.

export interface Probe {
  /** Starts probing unless a probe is already running. */
  trigger(): void;
}

export function createProbe(opts: {
  check: () => Promise<unknown>;
  onUp: () => void;
  stopped: () => boolean;
  minMs?: number;
  maxMs?: number;
}): Probe {
  const min = opts.minMs ?? 100;
  const max = opts.maxMs ?? 2000;
  let running = false;
  const attempt = (delay: number) => {
    const t = setTimeout(() => {
      if (opts.stopped()) return void (running = false);
      opts.check().then(
        () => {
          running = false;
          if (!opts.stopped()) opts.onUp();
        },
        () => attempt(Math.min(max, delay * 2)),
      );
    }, delay);
    t.unref(); // never what keeps a stopping process alive
  };
  return {
    trigger() {
      if (running || opts.stopped()) return;
      running = true;
      attempt(min);
    },
  };
}
