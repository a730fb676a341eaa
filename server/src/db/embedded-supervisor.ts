import type { ChildProcess } from 'node:child_process';
import { postgresProcess } from '../adapters/embedded-postgres';

export { postgresProcess };
import type { Logger } from 'pino';

// The app owns its embedded Postgres: if that server dies (killed, crashed), nobody else will
// start it again, and every connection of the app would retry forever against nothing. So the
// app restarts it, with backoff, until it runs again or the app stops.
//
// embedded-postgres keeps its server process in an undocumented field; adapters/embedded-postgres.ts
// is the one place that reads it, and it fails loudly (on every start) if an upgrade renames it.

interface EmbeddedServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

export interface Supervisor {
  /** Signals the current server process (the last-resort 'exit' hook). */
  kill(signal: NodeJS.Signals): void;
  /** Stops supervising and shuts the server down (fast shutdown). */
  stop(): Promise<void>;
}

export function supervise(pg: EmbeddedServer, log: Logger): Supervisor {
  let stopped = false;
  let restarting: Promise<void> | undefined;

  const restart = async () => {
    for (let delay = 100; !stopped; delay = Math.min(5000, delay * 2)) {
      await new Promise((r) => setTimeout(r, delay));
      if (stopped) return;
      try {
        // Fails while the killed server's backends still hold its shared memory: retried.
        await pg.start();
        watch();
        log.info('embedded postgres restarted');
        return;
      } catch (err) {
        log.debug({ err }, 'embedded postgres restart failed; retrying');
      }
    }
  };
  const watch = () => {
    const child = postgresProcess(pg);
    child.once('exit', (code, signal) => {
      if (stopped) return;
      log.warn({ code, signal }, 'embedded postgres exited unexpectedly; restarting it');
      restarting = restart().finally(() => (restarting = undefined));
    });
  };
  watch();

  return {
    kill(signal) {
      const child = postgresProcess(pg);
      if (!exited(child)) child.kill(signal);
    },
    async stop() {
      stopped = true;
      await restarting;
      // embedded-postgres' stop() waits for an 'exit' that a dead process never emits again.
      if (!exited(postgresProcess(pg))) await pg.stop();
    },
  };
}
