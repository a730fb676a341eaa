import { readFileSync } from 'node:fs';

// The parts of a V8 .cpuprofile (node --cpu-prof, the inspector's Profiler.stop) that the
// summaries read.

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export const readCpuProfile = (file: string): CpuProfile =>
  JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
