import { readdirSync, readFileSync } from 'node:fs';

// CPU time spent by this process and by one Postgres server (its postmaster and every child:
// backends, WAL writer, ...; Linux /proc), so a bench can say where a phase's CPU went: "ms of
// CPU per operation, node vs postgres". Other servers on the machine are not counted.

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid: string): { ppid: number; ticks: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) }; // ppid, utime + stime
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/** The postmaster's pid, from any backend's pid (what `SELECT pg_backend_pid()` answers). */
export function postmasterOf(backendPid: number): number | undefined {
  return stat(String(backendPid))?.ppid;
}

/** CPU ticks of the postmaster and of each of its children, by pid. */
export function serverTicks(postmaster: number): Map<number, number> {
  const out = new Map<number, number>([[postmaster, stat(String(postmaster))?.ticks ?? 0]]);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const s = stat(pid);
    if (s?.ppid === postmaster) out.set(Number(pid), s.ticks);
  }
  return out;
}

export interface CpuSample {
  nodeMs: number;
  postgresMs: number;
  /** Postgres CPU ms by backend pid (a backend started meanwhile counts from zero). */
  byPid: Map<number, number>;
}

/** Starts counting; the returned function gives the CPU ms used since (postgres: NaN if unknown). */
export function cpuSince(postmaster: number | undefined): () => CpuSample {
  const node0 = process.cpuUsage();
  const pg0 = postmaster ? serverTicks(postmaster) : new Map<number, number>();
  return () => {
    const n = process.cpuUsage(node0);
    const byPid = new Map<number, number>();
    if (postmaster)
      for (const [pid, ticks] of serverTicks(postmaster))
        byPid.set(pid, (ticks - (pg0.get(pid) ?? 0)) * TICK_MS);
    let postgresMs = postmaster ? 0 : NaN;
    for (const ms of byPid.values()) postgresMs += ms;
    return { nodeMs: (n.user + n.system) / 1000, postgresMs, byPid };
  };
}

/** Sums CPU ms by the application_name of each backend (others: "postgres itself"). */
export function byApplication(
  byPid: Map<number, number>,
  apps: { pid: number; application_name: string | null }[],
): Record<string, number> {
  const name = new Map(apps.map((a) => [a.pid, a.application_name || 'other']));
  const out: Record<string, number> = {};
  for (const [pid, ms] of byPid) {
    const k = name.get(pid) ?? 'postgres itself';
    out[k] = (out[k] ?? 0) + ms;
  }
  return out;
}
