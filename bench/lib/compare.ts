import type { BenchReport, BenchRow } from './report';

// One file per `npm run bench` run, compared with the previous run on the same machine. The
// comparison is of ratios to same-run baselines: a slower machine (or a busy one) slows the
// measure and its baseline alike, so a changed ratio is a change in our code, not in the weather.

export interface BenchRun {
  at: string;
  node: string;
  /** Runs are compared only when this matches (hostname, CPU model, core count). */
  machine: string;
  reports: BenchReport[];
}

export interface RatioChange {
  bench: string;
  label: string;
  better: BenchRow['better'];
  now?: number;
  before?: number;
  /** now / before of the ratio; > 1 means the ratio grew. */
  change?: number;
  /** The ratio moved more than `threshold` in the bad direction. */
  regressed: boolean;
}

const key = (bench: string, label: string) => `${bench}\u0000${label}`;

function ratios(run: BenchRun): Map<string, { bench: string; row: BenchRow }> {
  const out = new Map<string, { bench: string; row: BenchRow }>();
  for (const r of run.reports)
    for (const row of r.rows) out.set(key(r.name, row.label), { bench: r.name, row });
  return out;
}

/** Every row of `now` beside the same row of `before` (when there was one). */
export function compareRuns(now: BenchRun, before: BenchRun | undefined, threshold = 0.15): RatioChange[] {
  const prev = before ? ratios(before) : new Map();
  return [...ratios(now).values()].map(({ bench, row }) => {
    const old = prev.get(key(bench, row.label))?.row as BenchRow | undefined;
    const n = row.ratio;
    const b = old?.ratio;
    const change = n !== undefined && b ? n / b : undefined;
    const worse =
      change === undefined
        ? false
        : row.better === 'higher'
          ? change < 1 - threshold
          : change > 1 + threshold;
    return { bench, label: row.label, better: row.better, now: n, before: b, change, regressed: worse };
  });
}

/** The latest earlier run made on the same machine, if any. */
export function previousRun(runs: BenchRun[], now: BenchRun): BenchRun | undefined {
  return runs
    .filter((r) => r.machine === now.machine && r.at < now.at)
    .sort((a, b) => (a.at < b.at ? 1 : -1))[0];
}

const x = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(2)}x`);

/** A Markdown table of the comparison, for bench/results/<run>.md and the README. */
export function formatComparison(
  now: BenchRun,
  before: BenchRun | undefined,
  changes: RatioChange[],
): string {
  const lines = [
    `# Bench run ${now.at}`,
    '',
    `Machine: ${now.machine}; Node ${now.node}. Previous run on this machine: ${before?.at ?? 'none'}.`,
    'Ratios are value / same-run baseline; "change" is this ratio over the previous run\'s.',
    '',
    '| bench | measure | ratio now | ratio before | change | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...changes.map(
      (c) =>
        `| ${c.bench} | ${c.label} | ${x(c.now)} | ${x(c.before)} | ${c.change === undefined ? '–' : `${c.change.toFixed(2)}`} | ${c.regressed ? '**worse**' : ''} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
