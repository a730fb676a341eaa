import { describe, expect, it } from 'vitest';
import { compareRuns, formatComparison, previousRun, type BenchRun } from './compare';
import { row } from './report';

const run = (at: string, machine: string, value: number, baseline: number): BenchRun => ({
  at,
  node: 'v20',
  machine,
  reports: [
    {
      name: 'rest-create',
      title: 'REST create',
      params: {},
      rows: [row('throughput', value, 'ops/s', 'higher', { value: baseline, label: 'raw pg' })],
    },
  ],
});

describe('bench run comparison', () => {
  it('compares ratios, so a machine twice as slow for both reads as no change', () => {
    const before = run('2026-12-01T00:00:00Z', 'm', 500, 1000);
    const now = run('2026-12-02T00:00:00Z', 'm', 250, 500);
    const [c] = compareRuns(now, before);
    expect(c).toMatchObject({ now: 0.5, before: 0.5, change: 1, regressed: false });
  });

  it('flags a ratio that moved the bad way past the threshold', () => {
    const before = run('2026-12-01T00:00:00Z', 'm', 500, 1000);
    const now = run('2026-12-02T00:00:00Z', 'm', 300, 1000);
    expect(compareRuns(now, before)[0]!.regressed).toBe(true);
    expect(formatComparison(now, before, compareRuns(now, before))).toContain('**worse**');
  });

  it('compares with the latest earlier run of the same machine', () => {
    const now = run('2026-12-02T00:00:00Z', 'm', 1, 1);
    const runs = [
      run('2026-12-01T00:00:00Z', 'm', 1, 1),
      run('2026-12-01T06:00:00Z', 'm', 1, 1),
      run('2026-12-01T12:00:00Z', 'other', 1, 1),
      run('2026-12-03T00:00:00Z', 'm', 1, 1),
    ];
    expect(previousRun(runs, now)?.at).toBe('2026-12-01T06:00:00Z');
  });
});
