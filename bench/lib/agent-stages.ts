import { performance } from 'node:perf_hooks';
import Manager from 'pg-boss/dist/manager.js';
import { setTraceSink } from '../../server/src/agent/trace';
import { percentile } from './measure';

// The agent-stream bench's per-stage breakdown of POST → first delta. The server marks its own
// stages (server/src/agent/trace.ts); this adds what only a probe can see: pg-boss's job fetch
// (wrapped on its Manager, bench only), the fake provider's arrival time, and the watcher's
// receipt. Each reply is keyed by its task id; only a task's first timestamp of a
// stage counts.

type Times = Map<string, number>;

export class StageRecorder {
  private readonly byTask = new Map<string, Times>();
  private readonly restore: (() => void)[] = [];

  install(): void {
    setTraceSink((key, stage, at) => this.add(key, stage, at));
    const proto = (Manager as unknown as { prototype: Record<string, any> }).prototype;
    const fetch = proto.fetch;
    const add = (key: string, stage: string, at: number) => this.add(key, stage, at);
    proto.fetch = async function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      const jobs = (await fetch.apply(this, args)) as { data?: { taskId?: string } }[];
      const end = performance.now();
      for (const j of jobs ?? []) {
        const key = j.data?.taskId;
        if (!key) continue;
        add(key, 'boss.fetchStart', start);
        add(key, 'boss.fetched', end);
      }
      return jobs;
    };
    this.restore.push(() => {
      proto.fetch = fetch;
      setTraceSink(undefined);
    });
  }

  uninstall(): void {
    for (const r of this.restore.splice(0)) r();
  }

  add(key: string, stage: string, at: number): void {
    let t = this.byTask.get(key);
    if (!t) this.byTask.set(key, (t = new Map()));
    if (!t.has(stage)) t.set(stage, at);
  }

  clear(): void {
    this.byTask.clear();
  }

  /**
   * Median and p99 time of each step (from the previous stage in `order` that the reply has),
   * over the replies of `keys`; lines like "post.commit +3.1 ms (p99 9.0)".
   */
  summary(keys: string[], order: string[]): string {
    const steps = new Map<string, number[]>();
    for (const k of keys) {
      const t = this.byTask.get(k);
      if (!t) continue;
      let prev: number | undefined;
      for (const s of order) {
        const at = t.get(s);
        if (at === undefined) continue;
        if (prev !== undefined) {
          const list = steps.get(s) ?? [];
          list.push(at - prev);
          steps.set(s, list);
        }
        prev = at;
      }
    }
    return order
      .filter((s) => steps.has(s))
      .map((s) => {
        const v = steps.get(s)!.sort((a, b) => a - b);
        return `${s} +${percentile(v, 50).toFixed(1)} (p99 ${percentile(v, 99).toFixed(1)})`;
      })
      .join(' → ');
  }
}
