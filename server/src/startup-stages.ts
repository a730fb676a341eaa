import { performance } from 'node:perf_hooks';

// Milliseconds since the process started (performance.timeOrigin is the process's start), per
// start-up stage, logged once as "started" so a slow start shows where its time went
// (docs/performance.md, "Start-up"; bench/startup.bench.ts reads the same line).
export interface StartupStages {
  mark(stage: string): void;
  readonly marks: Readonly<Record<string, number>>;
}

export function startupStages(): StartupStages {
  const marks: Record<string, number> = {};
  return {
    mark(stage) {
      marks[stage] = Math.round(performance.now());
    },
    marks,
  };
}
