import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

// BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of one phase of a bench (what `node --cpu-prof` gives
// for the whole process, but only around the part being studied), written as <dir>/<name>.cpuprofile.

export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}
