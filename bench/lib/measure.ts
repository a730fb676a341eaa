import { performance } from 'node:perf_hooks';

export interface LoadResult {
  /** Completed operations per second over the whole run. */
  throughput: number;
  p50: number;
  p99: number;
  /** Wall time of the run, ms. */
  wallMs: number;
  /** Every op's latency, ms, ascending (to merge slices of one measure). */
  latencies: number[];
}

/** Slices of one measure run at different moments, as one result (ops over summed wall time). */
export function merged(parts: LoadResult[]): LoadResult {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const wallMs = parts.reduce((s, p) => s + p.wallMs, 0);
  return {
    throughput: (latencies.length / wallMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    wallMs,
    latencies,
  };
}

/** The p-th percentile (0..100) of latencies, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Runs `op(i)` for i in [0, total) with at most `concurrency` in flight (a closed loop: each
 * worker starts its next op when the previous one ends) and times each op.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    throughput: (total / wallMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    wallMs,
    latencies,
  };
}
