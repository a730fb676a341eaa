import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compareRuns, formatComparison, previousRun, type BenchRun } from './lib/compare';
import { formatReport, type BenchReport } from './lib/report';

// `npm run bench` runs every bench/*.bench.ts; `npm run bench -- rest-create` only the named ones.
// Each prints its table; the run writes one bench/results/run-<timestamp>.json (git-ignored) and a
// Markdown table beside it comparing every ratio with the previous run on this machine.

const DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(DIR, 'results');
const wanted = process.argv.slice(2);
const files = (await readdir(DIR))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
if (!files.length) {
  process.stderr.write(`no benchmarks match ${wanted.join(', ') || 'bench/*.bench.ts'}\n`);
  process.exit(1);
}

await mkdir(RESULTS, { recursive: true });
const startedAt = new Date().toISOString();
const reports: BenchReport[] = [];
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(DIR, file)).href)) as { run(): Promise<BenchReport> };
    const report = await mod.run();
    process.stdout.write(`${formatReport(report)}\n`);
    reports.push(report);
  } catch (err) {
    failed++;
    process.stderr.write(`${file} failed: ${(err as Error).stack ?? String(err)}\n`);
  }
}

const run: BenchRun = {
  at: startedAt,
  node: process.version,
  machine: `${hostname()} / ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`,
  reports,
};
const earlier: BenchRun[] = [];
for (const f of (await readdir(RESULTS)).filter((f) => /^run-.*\.json$/.test(f))) {
  try {
    earlier.push(JSON.parse(await readFile(path.join(RESULTS, f), 'utf8')) as BenchRun);
  } catch {
    // A half-written file from an interrupted run is not a baseline.
  }
}
const before = previousRun(earlier, run);
const changes = compareRuns(run, before);
const stamp = startedAt.replace(/[:.]/g, '-');
const json = path.join(RESULTS, `run-${stamp}.json`);
const md = path.join(RESULTS, `run-${stamp}.md`);
await writeFile(json, `${JSON.stringify(run, null, 2)}\n`);
const table = formatComparison(run, before, changes);
await writeFile(md, table);
process.stdout.write(
  `\n${table}\n  -> ${path.relative(process.cwd(), json)}\n  -> ${path.relative(process.cwd(), md)}\n`,
);
process.exit(failed ? 1 : 0);
