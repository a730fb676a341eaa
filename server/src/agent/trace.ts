import { performance } from 'node:perf_hooks';

// Stage timestamps along one reply's path (POST → job → model → first delta), keyed by task id,
// for the agent-stream bench's per-stage breakdown. Off unless a sink is installed: a mark is
// then one function call and a branch.

export type TraceStage =
  | 'post.start'
  | 'post.commit'
  | 'job.handler'
  | 'reply.claimed'
  | 'reply.prompt'
  | 'reply.agent'
  | 'reply.stream'
  | 'model.request'
  | 'model.firstChunk'
  | 'delta.emit'
  | 'delta.published';

export type TraceSink = (key: string, stage: TraceStage, at: number) => void;

let sink: TraceSink | undefined;

/** Installs (or, with undefined, removes) the receiver of every mark. */
export function setTraceSink(next: TraceSink | undefined): void {
  sink = next;
}

export function mark(key: string, stage: TraceStage): void {
  if (sink) sink(key, stage, performance.now());
}
