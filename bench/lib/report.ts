// The contract every bench/*.bench.ts follows: `export async function run(): Promise<BenchReport>`.
// Every figure sits beside a baseline measured in the same run, so a slow machine slows both.

export type Better = 'higher' | 'lower';

export interface BenchRow {
  /** What was measured, e.g. "REST task create: throughput". */
  label: string;
  value: number;
  /** "ops/s", "ms", "MB", ... */
  unit: string;
  /** Whether a bigger value is good (throughput) or bad (latency). */
  better: Better;
  /** The same measure for the baseline, in the same unit, from the same run. */
  baseline?: number;
  /** What the baseline is, e.g. "raw pg INSERT". */
  baselineLabel?: string;
  /** value / baseline. */
  ratio?: number;
}

export interface BenchReport {
  /** File-safe name; results go to bench/results/<name>-<timestamp>.json. */
  name: string;
  title: string;
  /** The knobs of this run (concurrency, row count, database), printed above the table. */
  params: Record<string, string | number>;
  rows: BenchRow[];
  notes?: string[];
}

/** A row with its ratio to the baseline computed. */
export function row(
  label: string,
  value: number,
  unit: string,
  better: Better,
  baseline?: { value: number; label: string },
): BenchRow {
  return {
    label,
    value,
    unit,
    better,
    ...(baseline
      ? {
          baseline: baseline.value,
          baselineLabel: baseline.label,
          ratio: baseline.value ? value / baseline.value : undefined,
        }
      : {}),
  };
}

const fmt = (n: number) =>
  Number.isInteger(n)
    ? String(n)
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : n.toFixed(2);

/** A plain-text table of a report, for the terminal and the README. */
export function formatReport(r: BenchReport): string {
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const head = ['measure', 'value', 'baseline', 'ratio'];
  const body = r.rows.map((x) => [
    x.label,
    `${fmt(x.value)} ${x.unit}`,
    x.baseline === undefined ? '' : `${fmt(x.baseline)} ${x.unit} (${x.baselineLabel ?? 'baseline'})`,
    x.ratio === undefined
      ? ''
      : `${x.ratio.toFixed(2)}x ${x.better === 'higher' ? '(higher is better)' : '(lower is better)'}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `${r.title} (${params})`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    ...(r.notes ?? []).map((n) => `  note: ${n}`),
  ].join('\n');
}
