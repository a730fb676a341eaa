import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTH_TEST_ENV, ownerSession, type Session } from './auth';

// The app as users run it: `server/src/main.ts` in its own process (so a test can kill and
// restart it on the same port), over a test database, serving the built client.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = path.join(ROOT, 'test/artifacts');

/** Builds client/dist unless it is up to date (shared with `npm start` and `npm test`). */
export { ensureClientBuilt } from '../../scripts/build-client';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  /** SIGTERM and wait for the exit (a clean shutdown; SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** SIGKILL and wait (a crash). */
  kill(): Promise<void>;
  /**
   * The instance's first account (owner@example.test), signed in and registered as the default
   * session for `url` (api(url) sends it, openClient puts its cookie in the browser); absent
   * with `firstAccount: false`.
   */
  owner?: Session;
}

async function waitReady(url: string, child: ChildProcess, deadlineMs: number) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}; see test/artifacts/*.log`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready at ${url} within ${deadlineMs} ms`);
}

/** Starts main.ts on `port` with the given database and extra env; resolves once /readyz is 200. */
export async function startServer(opts: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  logName?: string;
  /** false: leave the instance without users (the "create the first account" screen). */
  firstAccount?: boolean;
}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS, `${opts.logName ?? 'server'}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: opts.databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      ...AUTH_TEST_ENV,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals) => {
    if (running()) child.kill(signal);
    // A clean shutdown gets a few seconds; then it is killed, so a hung close never hangs a test.
    const timer =
      signal === 'SIGTERM' ? setTimeout(() => running() && child.kill('SIGKILL'), 5000) : undefined;
    await exited;
    clearTimeout(timer);
  };
  await waitReady(url, child, 60_000).catch(async (err: unknown) => {
    await end('SIGKILL');
    throw err;
  });
  const owner = opts.firstAccount === false ? undefined : await ownerSession(url);
  return { url, port, stop: () => end('SIGTERM'), kill: () => end('SIGKILL'), owner };
}
