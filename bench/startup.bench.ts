import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { percentile } from './lib/measure';
import { row, type BenchReport } from './lib/report';

// `npm start` on a warm machine (client built, embedded database initialised) to the board's page
// served, beside two floors measured in the same run: a bare node HTTP server and the same server
// under tsx (what `npm start` runs the TypeScript with). Issue 13 item 5's goal is ≤ 3 s. Also:
// when /readyz answers 200 (jobs and sync up), and the server's own stage times (its "started"
// log line, server/src/startup-stages.ts). BENCH_STARTUP_COMPARE=<dir of another checkout, built
// and installed> adds `npm start` there, interleaved, as the baseline of a before/after row.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const COMPARE = process.env.BENCH_STARTUP_COMPARE;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

// Polling is the measurement here (when does the page first answer), not a wait in a test.
async function firstAnswer(url: string, child: ChildProcess, deadlineMs = 120_000): Promise<void> {
  const until = performance.now() + deadlineMs;
  while (performance.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode} before answering`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.ok) {
      await res.arrayBuffer();
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} did not answer in ${deadlineMs} ms`);
}

interface Start {
  /** Spawn to GET / 200. */
  page: number;
  /** Spawn to GET /readyz 200 (polled after the page answered). */
  ready: number;
  /** The server's "started" line: ms since its process start, per stage. */
  stages: Record<string, number>;
}

async function timeStart(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  cwd = ROOT,
): Promise<Start> {
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
    // Its own process group: `npx tsx` is npx → tsx → node, and a SIGTERM to npx alone left the
    // node grandchild serving its port after the bench.
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await firstAnswer(`http://127.0.0.1:${port}/`, child);
    const page = performance.now() - t0;
    await firstAnswer(`http://127.0.0.1:${port}/readyz`, child);
    const ready = performance.now() - t0;
    const line = out.split('\n').find((l) => l.includes('"msg":"started"'));
    const stages = line ? ((JSON.parse(line) as { stages: Record<string, number> }).stages ?? {}) : {};
    return { page, ready, stages };
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await gone;
  }
}

interface Stats {
  p50: number;
  max: number;
}
function stats(ms: number[]): Stats {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), max: sorted[sorted.length - 1]! };
}

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const BARE =
  "require('node:http').createServer((q,s)=>s.end('ok')).listen(Number(process.env.PORT),'127.0.0.1')";

export async function run(): Promise<BenchReport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kanban-startup-'));
  const appEnv = (port: number, data = 'postgres') => ({
    PORT: String(port),
    PG_DATA_DIR: path.join(dir, data),
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    LOG_LEVELS: 'app=info', // the "started" line with the stage times
    NODE_ENV: 'development',
  });
  const npmStart = async (cwd = ROOT, data = 'postgres') => {
    const port = await freePort();
    return timeStart('npm', ['start', '--silent'], appEnv(port, data), port, cwd);
  };
  try {
    // Warm-up: the first start initialises the embedded database and builds what is stale.
    await npmStart();
    if (COMPARE) await npmStart(COMPARE, 'postgres-compare');
    // Interleaved (one of each per round) so a machine busy with something else slows each alike.
    const app: Start[] = [];
    const compare: Start[] = [];
    const times = { bare: [] as number[], tsx: [] as number[], source: [] as number[] };
    for (let i = 0; i < STARTS; i++) {
      app.push(await npmStart());
      if (COMPARE) compare.push(await npmStart(COMPARE, 'postgres-compare'));
      let port = await freePort();
      times.bare.push((await timeStart(process.execPath, ['-e', BARE], { PORT: String(port) }, port)).page);
      port = await freePort();
      times.tsx.push((await timeStart('npx', ['tsx', '-e', BARE], { PORT: String(port) }, port)).page);
      // What `npm start` ran before it ran a bundle: the TypeScript under tsx.
      port = await freePort();
      times.source.push((await timeStart(TSX, ['server/src/main.ts'], appEnv(port), port)).page);
    }
    const page = stats(app.map((s) => s.page));
    const ready = stats(app.map((s) => s.ready));
    const [bare, tsx, source] = [times.bare, times.tsx, times.source].map(stats) as [Stats, Stats, Stats];
    const bareP50 = { value: bare.p50, label: 'bare node http' };
    const stageNames = Object.keys(app[0]?.stages ?? {});
    return {
      name: 'startup',
      title: '`npm start` (warm) to the board page served',
      params: { starts: STARTS, database: 'embedded, initialised', ...(COMPARE ? { compare: COMPARE } : {}) },
      rows: [
        row('npm start → GET / 200, p50', page.p50, 'ms', 'lower', bareP50),
        row('npm start → GET / 200, max', page.max, 'ms', 'lower', {
          value: bare.max,
          label: 'bare node http',
        }),
        row('npm start → /readyz 200, p50', ready.p50, 'ms', 'lower', bareP50),
        row('tsx floor → GET / 200, p50', tsx.p50, 'ms', 'lower', bareP50),
        row('npm start → GET / 200, p50, vs the server from source under tsx', page.p50, 'ms', 'lower', {
          value: source.p50,
          label: 'tsx server/src/main.ts',
        }),
        ...(COMPARE
          ? [
              row('npm start → GET / 200, p50, vs the compared checkout', page.p50, 'ms', 'lower', {
                value: stats(compare.map((s) => s.page)).p50,
                label: `npm start in ${path.basename(COMPARE)}`,
              }),
              row('npm start → /readyz 200, p50, vs the compared checkout', ready.p50, 'ms', 'lower', {
                value: stats(compare.map((s) => s.ready)).p50,
                label: `npm start in ${path.basename(COMPARE)}`,
              }),
            ]
          : []),
        // Where a start's time goes, from the server's own clock (ms since its process started).
        ...stageNames.map((name) =>
          row(
            `server stage: ${name} (ms since process start), p50`,
            stats(app.map((s) => s.stages[name] ?? NaN)).p50,
            'ms',
            'lower',
          ),
        ),
      ],
      notes: [
        'Goal (issue 13): npm start → board served ≤ 3,000 ms on a warm machine.',
        'npm start runs the esbuild bundle (dependencies included) under plain node (scripts/start.mjs); "from source" is the TypeScript under tsx.',
        'Stages are the server\'s "started" log line (server/src/startup-stages.ts); npm and start.mjs come before "bundle loaded".',
        'One start of each kind per round, interleaved.',
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
