import type { Logger } from 'pino';

// What each long-lived connection of this process is doing right now. Connections reconnect on
// their own; this only records their state, so /readyz and the metrics can report it, and so a
// state change is logged once instead of once per retry.

export type ConnectionStatus = 'up' | 'down';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When it entered this status (ms since the epoch). */
  since: number;
  /** The error that took it down (message only: no connection string or database text). */
  error?: string;
  /** Failed attempts to get it back since it went down (counted, not logged, per retry). */
  failures?: number;
}

export interface ConnectionStates {
  up(name: string): void;
  down(name: string, err?: unknown): void;
  /** Drops a connection that was closed on purpose (shutdown), so it is not reported as down. */
  forget(name: string): void;
  /** A copy of every known connection's state, by name. */
  snapshot(): Record<string, ConnectionState>;
  /** True when every known connection is up. */
  allUp(): boolean;
}

function errorText(err: unknown): string | undefined {
  if (err === undefined) return undefined;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? `${e.code}: ` : '';
  return `${code}${typeof e.message === 'string' ? e.message : 'unknown error'}`.slice(0, 200);
}

export function createConnectionStates(log: Logger, now: () => number = Date.now): ConnectionStates {
  const states = new Map<string, ConnectionState>();
  const set = (name: string, status: ConnectionStatus, err?: unknown) => {
    const before = states.get(name);
    if (before?.status === status) {
      if (status === 'down') before.failures = (before.failures ?? 0) + 1;
      return;
    }
    const state: ConnectionState = { status, since: now(), ...(status === 'down' ? { failures: 0 } : {}) };
    const error = errorText(err);
    if (error) state.error = error;
    states.set(name, state);
    if (status === 'down') log.warn({ connection: name, err }, 'connection lost; reconnecting');
    else if (before) log.info({ connection: name, downMs: state.since - before.since }, 'connection back');
    else log.debug({ connection: name }, 'connection up');
  };
  return {
    up: (name) => set(name, 'up'),
    down: (name, err) => set(name, 'down', err),
    forget: (name) => void states.delete(name),
    snapshot: () => Object.fromEntries([...states].map(([k, v]) => [k, { ...v }])),
    allUp: () => [...states.values()].every((s) => s.status === 'up'),
  };
}
