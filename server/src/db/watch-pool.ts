import type pg from 'pg';
import type { Logger } from 'pino';
import type { ConnectionStates } from './connection-state';
import { createProbe } from './probe';

// A pg client that loses its connection while checked out emits 'error'; with no listener that
// is an uncaught exception and the process dies (the pool only listens on idle clients). Every
// pool of the app goes through here: each client gets a listener, the pool's state is recorded,
// and while it is down a probe reconnects with backoff until Postgres answers again.

export interface WatchOptions {
  /**
   * Give a checked-out client back to the pool (as broken) when it errors. For holders that never
   * release a dead client themselves (the socket adapter's LISTEN client): without this every
   * reconnect would leak one pool slot until the pool was exhausted.
   */
  releaseOnError?: boolean;
}

export function watchPool(
  pool: pg.Pool,
  name: string,
  states: ConnectionStates,
  log: Logger,
  opts: WatchOptions = {},
): void {
  const checkedOut = new Set<pg.PoolClient>();
  const probe = createProbe({
    check: () => pool.query('SELECT 1'),
    onUp: () => states.up(name),
    stopped: () => pool.ending,
  });
  const down = (err: unknown) => {
    if (pool.ending) return;
    states.down(name, err);
    probe.trigger();
  };

  pool.on('connect', (client) => {
    states.up(name);
    client.on('error', (err) => {
      log.debug({ err, pool: name }, 'pooled client error');
      down(err);
      if (opts.releaseOnError && checkedOut.has(client)) client.release(err);
    });
  });
  pool.on('acquire', (client) => void checkedOut.add(client));
  pool.on('release', (_err, client) => void checkedOut.delete(client));
  pool.on('remove', (client) => void checkedOut.delete(client));
  // An idle client's error: the pool has already dropped it.
  pool.on('error', (err) => down(err));
}
