import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { REPO } from '../support/spawn-app';

// The real server as separate processes (`node --import tsx server/src/main.ts`, one process per
// role, so its pid is the server's own and its peak RSS is readable from /proc).

export interface ServerProc {
  role: 'web' | 'worker';
  child: ChildProcess;
  /** Web: its base URL once listening. Worker: '' once running. */
  ready: Promise<string>;
  exit: Promise<number | null>;
  output(): string;
}

export function spawnServer(role: 'web' | 'worker', env: Record<string, string>): ServerProc {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: REPO,
    env: { ...base, LOG_LEVEL: 'warn', LOG_LEVELS: 'app=info', ROLES: role, SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.length > 2_000_000) out = out.slice(-1_000_000); // keep the tail of a long run
      const m = /Kanban is running at (http:\/\/\S+)/.exec(out);
      if (role === 'web' && m) resolve(m[1]!);
      if (role === 'worker' && out.includes('worker running')) resolve('');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${role} exited (${code}) before it was ready:\n${out.slice(-4000)}`)),
    );
  });
  ready.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { role, child, ready, exit, output: () => out };
}

/** Peak resident set size of a live process, in MB (VmHWM); 0 once it is gone. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Math.round(Number(kb[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Error-level (50) and fatal (60) pino lines a process printed. */
export const errorLines = (out: string) => out.split('\n').filter((l) => /"level":(50|60)/.test(l));
