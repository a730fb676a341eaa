import pino, { type Logger, type LevelWithSilent } from 'pino';
import type { Config } from './config';

export type Subsystem = 'app' | 'http' | 'db' | 'sync' | 'jobs' | 'agent' | 'realtime';

export interface Logs {
  root: Logger;
  for(subsystem: Subsystem): Logger;
}

/** One root pino logger; each subsystem gets a child with its own level from LOG_LEVELS. */
export function createLogs(config: Pick<Config, 'LOG_LEVEL' | 'LOG_LEVELS'>): Logs {
  // The root passes everything; each child filters at its own level.
  const root = pino({ level: 'trace', base: undefined });
  const cache = new Map<Subsystem, Logger>();
  return {
    root,
    for(subsystem) {
      let child = cache.get(subsystem);
      if (!child) {
        const level: LevelWithSilent = config.LOG_LEVELS[subsystem] ?? config.LOG_LEVEL;
        child = root.child({ sub: subsystem }, { level });
        cache.set(subsystem, child);
      }
      return child;
    },
  };
}

/** A silent logger set for tests that do not care about output. */
export function silentLogs(): Logs {
  return createLogs({ LOG_LEVEL: 'silent', LOG_LEVELS: {} });
}
