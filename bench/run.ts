import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatReport, type BenchReport } from './lib/report';

// `npm run bench` runs every bench/*.bench.ts; `npm run bench -- rest-create` only the named ones.
// Each prints a table and writes bench/results/<name>-<timestamp>.json (git-ignored).

const DIR = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(DIR))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
if (!files.length) {
  process.stderr.write(`no benchmarks match ${wanted.join(', ') || 'bench/*.bench.ts'}\n`);
  process.exit(1);
}

await mkdir(path.join(DIR, 'results'), { recursive: true });
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(DIR, file)).href)) as { run(): Promise<BenchReport> };
    const report = await mod.run();
    process.stdout.write(`${formatReport(report)}\n`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const out = path.join(DIR, 'results', `${report.name}-${stamp}.json`);
    await writeFile(
      out,
      `${JSON.stringify({ ...report, at: new Date().toISOString(), node: process.version }, null, 2)}\n`,
    );
    process.stdout.write(`  -> ${path.relative(process.cwd(), out)}\n`);
  } catch (err) {
    failed++;
    process.stderr.write(`${file} failed: ${(err as Error).stack ?? String(err)}\n`);
  }
}
process.exit(failed ? 1 : 0);
