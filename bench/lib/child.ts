import { fork, type ChildProcess } from 'node:child_process';

// A bench child process (tsx, IPC) and a typed request/answer over its channel.

export interface Child<Out> {
  proc: ChildProcess;
  /** The next message of `type` from the child. */
  next<T extends Out & { type: string }>(type: T['type']): Promise<T>;
  send(m: unknown): void;
  stop(): Promise<void>;
}

/** Forks `script`: TypeScript under tsx, or (a .mjs bundle) under plain node. */
export function forkChild<Out extends { type: string }>(
  script: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Child<Out> {
  const proc = fork(script, [], {
    execArgv: [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, ((m: Out) => void)[]>();
  proc.on('message', (m: Out) => waiting.get(m.type)?.shift()?.(m));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    next: <T extends Out>(type: T['type']) =>
      new Promise<T>((resolve, reject) => {
        const list = waiting.get(type) ?? [];
        list.push(resolve as (m: Out) => void);
        waiting.set(type, list);
        void exited.then(() => reject(new Error(`${script} exited waiting for ${type}`)));
      }),
    send: (m) => proc.send(m as never),
    async stop() {
      if (proc.exitCode === null) {
        proc.send({ type: 'stop' });
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}
