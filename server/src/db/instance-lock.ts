import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// One app per embedded data directory. Two apps on one data directory fight over its Postgres
// (the second used to stop the first one's server as an "orphan"), so the first takes a lock
// file next to the data directory: its pid, and once it listens, its URL. A later start finds a
// live owner and says where it runs; a lock whose process is gone is stale and taken over.

export interface InstanceInfo {
  pid: number;
  url?: string;
  dataDir: string;
}

export class AlreadyRunningError extends Error {
  constructor(readonly owner: InstanceInfo) {
    super(
      owner.url
        ? `Kanban is already running at ${owner.url} (pid ${owner.pid}, data ${owner.dataDir})`
        : `Kanban is already starting on ${owner.dataDir} (pid ${owner.pid})`,
    );
  }
}

export interface InstanceLock {
  readonly file: string;
  /** Records where this instance serves, for the next start's message. */
  publish(url: string): void;
  release(): void;
}

export function lockFileFor(dataDir: string): string {
  const abs = path.resolve(dataDir);
  return path.join(path.dirname(abs), `${path.basename(abs)}.instance.json`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, not ours
  }
  // A stale lock's pid may since belong to another program: only a node process can be us.
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
  } catch {
    return process.platform !== 'linux'; // no /proc to ask: trust the pid
  }
}

/** The live owner of this data directory, if any (a stale or unreadable lock is no owner). */
export function readOwner(dataDir: string): InstanceInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFileFor(dataDir), 'utf8')) as InstanceInfo;
    if (!Number.isInteger(info.pid) || info.pid <= 0) return undefined;
    return info.pid === process.pid || processAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data directory's lock or throws AlreadyRunningError naming the live owner. */
export function acquireInstanceLock(dataDir: string): InstanceLock {
  const file = lockFileFor(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const info: InstanceInfo = { pid: process.pid, dataDir: path.resolve(dataDir) };
  for (let attempt = 0; ; attempt++) {
    // Written aside, then linked into place: link() fails if the lock exists, so two starts at
    // the same moment cannot both win, and nobody ever reads a half-written lock.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(info));
    try {
      linkSync(tmp, file);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const owner = readOwner(dataDir);
      if (owner && owner.pid !== process.pid) throw new AlreadyRunningError(owner);
      rmSync(file, { force: true }); // stale: its process is gone
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  let released = false;
  return {
    file,
    publish(url) {
      if (!released) writeFileSync(file, JSON.stringify({ ...info, url }));
    },
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove a lock another start took over.
      if (readOwner(dataDir)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
