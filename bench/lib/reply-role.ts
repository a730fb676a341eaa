// Child process of reply-path.bench.ts: bench/lib/role-process.ts (the app's roles) with the
// server's stage marks (server/src/agent/trace.ts) recorded as wall-clock times, so the parent
// can line up the web role's, the worker's and its own timestamps of one reply (same machine,
// same clock). { type: 'trace' } answers with every task's first time of each stage, and forgets them.
import { performance } from 'node:perf_hooks';
import { setTraceSink } from '../../server/src/agent/trace';

export type TraceMessage = { type: 'trace'; marks: Record<string, Record<string, number>> };

let marks = new Map<string, Record<string, number>>();
setTraceSink((key, stage, at) => {
  let t = marks.get(key);
  if (!t) marks.set(key, (t = {}));
  t[stage] ??= performance.timeOrigin + at;
});
process.on('message', (m: { type: string }) => {
  if (m.type !== 'trace') return;
  const out: TraceMessage = { type: 'trace', marks: Object.fromEntries(marks) };
  marks = new Map();
  process.send!(out);
});
await import('./role-process');
