// Summarises a V8 .cpuprofile (node --cpu-prof; reply-path.bench.ts's BENCH_CPU_PROF): self time
// by function and by package, and total (inclusive) time by package, so a profile reads in a
// terminal. `npx tsx bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top=25]`.
import { readCpuProfile } from './cpuprofile-file';

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = readCpuProfile(file);

/** node_modules/<pkg> (scoped too), our own bundle, node internals, or V8's (idle, GC). */
function packageOf(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) {
    const rest = url.slice(i + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node:internal';
  if (url.includes('/server/dist/')) return '(ours: server bundle)';
  return url ? url : '(v8)';
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
const pkgTotal = new Map<string, number>();
let all = 0;
let idle = 0;
for (const [id, ms] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName || '(anonymous)';
  all += ms;
  if (name === '(idle)' || name === '(program)') idle += ms;
  const pkg = packageOf(n.callFrame.url);
  const fn = `${name} ${pkg}${n.callFrame.url ? `:${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}` : ''}`;
  fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + ms);
  pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + ms);
  // Inclusive: each package on the sample's stack once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const p = packageOf(byId.get(cur)!.callFrame.url);
    if (seen.has(p)) continue;
    seen.add(p);
    pkgTotal.set(p, (pkgTotal.get(p) ?? 0) + ms);
  }
}

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${v.toFixed(1).padStart(9)} ms ${((100 * v) / (all - idle)).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${all.toFixed(0)} ms sampled, ${(all - idle).toFixed(0)} ms not idle`);
print('self time by function', fnSelf);
print('self time by package', pkgSelf);
print('total time by package (on the stack)', pkgTotal);
