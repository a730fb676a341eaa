// Reads a .cpuprofile of langchain-floor.bench.ts (BENCH_CPU_PROFILE) and splits its CPU into
// what LangChain spends it on, in ms per call:
// `npx tsx bench/lib/langchain-profile.ts <file.cpuprofile> <calls> [top=12]`.
// A sample goes to the first category of MARKERS found anywhere on its stack (so JSON.stringify
// under the checkpoint serialiser is serialisation), else to the package of its innermost frame
// that has one (node internals and V8 builtins are passed over: a socket write under pg is pg's).
// V8's profiler sees synchronous stacks only: work resumed from a promise counts where it resumes.
import { readCpuProfile, type ProfileNode } from './cpuprofile-file';

type Node = ProfileNode;

type Frame = Node['callFrame'];
const has =
  (...parts: string[]) =>
  (f: Frame) =>
    parts.some((p) => f.url.includes(p));
const named =
  (re: RegExp) =>
  (f: Frame): boolean =>
    re.test(f.functionName);

/** In priority order: the first that matches any frame of a sample's stack takes it. */
const MARKERS: [string, (f: Frame) => boolean][] = [
  ['(the profiler itself)', has('bench/lib/cpu-profile.ts')],
  [
    'checkpoint serialisation (serde, _dump*)',
    (f) =>
      has('langgraph-checkpoint/dist/serde')(f) ||
      named(/^_dump(Blobs|Checkpoint|Writes|Metadata)$|^dumpsTyped$|^_load(Blobs|Checkpoint|Writes)$/)(f),
  ],
  [
    'checkpoint writes: pg client and its socket',
    has(
      '/node_modules/pg/',
      'pg-protocol',
      'pg-pool',
      'langgraph-checkpoint-postgres',
      'pipelined-saver.ts',
      'message-pipeline.ts',
    ),
  ],
  [
    'zod → JSON schema, bindTools',
    (f) =>
      has('zod-to-json-schema', 'utils/json_schema')(f) ||
      named(/toJsonSchema|toJSONSchema|zodToJsonSchema|convertToOpenAITool|^bindTools$/)(f),
  ],
  ["streamMode 'messages' handler (LangGraph)", has('langgraph/dist/pregel/messages')],
  [
    'RunTree, callbacks, tracers (core, langsmith)',
    has('core/dist/callbacks', 'core/dist/tracers', '/langsmith/'),
  ],
];

/** The innermost frame's package, for samples no marker took. */
function packageOf(f: Frame): string | undefined {
  const { url } = f;
  if (url.startsWith('node:internal/deps/undici') || url.startsWith('wasm://')) return 'openai SDK and fetch';
  if (/^node:(internal\/)?async_hooks/.test(url)) return 'async_hooks: AsyncLocalStorage promise hooks';
  if (url.includes('/utils/uuid/') || url.includes('/node_modules/uuid/'))
    return 'uuids (run, checkpoint ids)';
  if (!url || url.startsWith('node:')) return undefined;
  const i = url.lastIndexOf('node_modules/');
  if (i < 0)
    return url.includes('/bench/') ? 'the bench itself' : `ours: ${url.split('/').slice(-2).join('/')}`;
  const rest = url.slice(i + 'node_modules/'.length).split('/');
  const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  if (pkg === '@langchain/langgraph') {
    if (url.includes('/pregel/stream') || url.includes('utils/stream')) return 'LangGraph stream transforms';
    if (url.includes('/channels/')) return 'LangGraph channels';
    return 'LangGraph graph step machinery (pregel loop, runner, algo)';
  }
  if (pkg === '@langchain/core') {
    if (url.includes('/utils/stream')) return 'core stream transforms (AsyncGeneratorWithSetup…)';
    if (url.includes('/messages/')) return 'core messages (chunk concat, ids, merge)';
    if (url.includes('/runnables/')) return 'core runnables (config merge, ensureConfig)';
    if (url.includes('/language_models/')) return 'core chat model wrapper (stream, generate)';
    return `core other (${rest.slice(-1)[0]})`;
  }
  if (pkg === 'openai') return 'openai SDK and fetch';
  if (pkg === 'langchain') return 'langchain createAgent (nodes, middleware)';
  return pkg;
}

const [file, callsArg, topArg] = process.argv.slice(2);
if (!file || !callsArg) throw new Error('usage: langchain-profile <file.cpuprofile> <calls> [top]');
const calls = Number(callsArg);
const top = Number(topArg ?? 14);
const profile = readCpuProfile(file);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const categoryOf = new Map<number, string>();
function categorise(id: number): string {
  const known = categoryOf.get(id);
  if (known) return known;
  const stack: Frame[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
    stack.push(byId.get(cur)!.callFrame);
  const leaf = stack[0]!.functionName;
  let out: string | undefined;
  if (leaf === '(idle)' || leaf === '(program)') out = '(idle)';
  else if (leaf === '(garbage collector)') out = 'garbage collection';
  else out = MARKERS.find(([, m]) => stack.some(m))?.[0];
  out ??=
    stack.map(packageOf).find((p) => p !== undefined) ??
    'node and V8, no package on the stack (socket writes, microtask queue)';
  categoryOf.set(id, out);
  return out;
}

const total = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const c = categorise(id);
  total.set(c, (total.get(c) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
const busy = [...total].filter(([k]) => k !== '(idle)' && k !== '(the profiler itself)');
const sum = busy.reduce((s, [, v]) => s + v, 0);
console.log(
  `${file}: ${(sum / calls).toFixed(2)} ms CPU per call sampled (${calls} calls, profiler excluded)`,
);
for (const [k, v] of busy.sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${(v / calls).toFixed(2).padStart(7)} ms ${((100 * v) / sum).toFixed(1).padStart(5)}%  ${k}`);
