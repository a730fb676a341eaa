import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./agent-worker-child.ts', import.meta.url));
const ran = new WeakMap<ChildProcess, string[]>();

/** Ids of the replies a worker process has started, as it reported them over IPC. */
export const runsOf = (child: ChildProcess): readonly string[] => ran.get(child) ?? [];

/** Starts a worker-only server process on `databaseUrl`; resolves once its workers run. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ids: string[] = [];
  ran.set(child, ids);
  child.on('message', (m: { ran?: string }) => void (m.ran && ids.push(m.ran)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker process did not start in 30 s')), 30_000);
    child.once('message', () => (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`worker process exited (${code})`))));
  });
  return child;
}

export async function stopWorkerProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** SIGKILLs a worker process (a crash: no shutdown) and waits for its exit. */
export async function killWorkerProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
