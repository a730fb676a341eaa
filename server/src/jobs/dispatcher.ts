import type { Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';

// Runs up to `concurrency` jobs of one queue at once, fetching them with ONE fetch in flight per
// process, for as many jobs as there are free slots. It replaces pg-boss's work() loop for the
// reply queue because that loop, at localConcurrency N, is N independent pollers: every NOTIFY
// wakes all N idle ones, and each runs the (key_strict_fifo) fetch query. Measured on the 2-core
// build machine that herd (N fetches per new job and again per completion) was the largest cost
// before a reply's first token. Everything else stays pg-boss's: the fetch itself (locks, strict
// FIFO per key), heartbeats (touch), complete/fail fenced to the fetched attempt, supervise,
// retry and dead letter.

export interface DispatcherOptions {
  queue: string;
  concurrency: number;
  /** Heartbeat refresh period; the queue's heartbeatSeconds decides when a silent job is taken back. */
  heartbeatMs: number;
  /** Backstop fetch period, for jobs no NOTIFY announced (a crashed worker's, retried). */
  pollMs: number;
  log: Logger;
}

/** The handler gets the job and a signal aborted when the job's claim is lost. */
export type JobHandler<T> = (job: Job<T>, claimLost: AbortSignal) => Promise<void>;

export class Dispatcher<T extends object> {
  private readonly running = new Map<string, { job: Job<T>; ctrl: AbortController; done: Promise<void> }>();
  private fetching: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly boss: PgBoss,
    private readonly o: DispatcherOptions,
    private readonly handler: JobHandler<T>,
  ) {}

  start(): void {
    this.timers.push(setInterval(() => this.kick(), this.o.pollMs).unref());
    this.timers.push(setInterval(() => void this.heartbeat(), this.o.heartbeatMs).unref());
    this.kick();
  }

  /** New work may be waiting (a NOTIFY, a finished job, the backstop): fetch for the free slots. */
  kick(): void {
    if (this.stopped) return;
    if (this.fetching) {
      this.again = true; // fetch once more when the current one returns
      return;
    }
    this.fetching = this.pump().finally(() => (this.fetching = undefined));
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      const free = this.o.concurrency - this.running.size;
      if (free <= 0 || this.stopped) return;
      let jobs: Job<T>[] = [];
      try {
        jobs = await this.boss.fetch<T>(this.o.queue, { batchSize: free });
      } catch (err) {
        this.o.log.warn({ err }, 'fetching jobs failed');
        return;
      }
      if (this.stopped && jobs.length) {
        // Fetched while stopping: hand them back (retry at once, on another process or at restart).
        await this.boss
          .fail(this.o.queue, jobs, { message: 'the worker stopped before starting this job' })
          .catch((err: unknown) => this.o.log.warn({ err }, 'could not hand back jobs'));
        return;
      }
      for (const job of jobs) this.run(job);
      if (jobs.length === free) this.again = true; // a full batch: there may be more
    } while (this.again);
  }

  private run(job: Job<T>): void {
    // The same job fetched again while its first run is still here: pg-boss took it back (a
    // missed heartbeat) and handed it out anew, so the first run's claim is lost.
    this.running.get(job.id)?.ctrl.abort(new Error(`job ${job.id} was taken back and fetched again`));
    const ctrl = new AbortController();
    const done = (async () => {
      try {
        await this.handler(job, ctrl.signal);
        await this.boss.complete(this.o.queue, job);
      } catch (err) {
        this.o.log.error({ err, jobId: job.id }, 'job handler failed');
        await this.boss.fail(this.o.queue, job, { message: String((err as Error)?.message ?? err) });
      }
    })()
      .catch((err: unknown) => this.o.log.error({ err, jobId: job.id }, 'could not settle a job'))
      .finally(() => {
        if (this.running.get(job.id)?.ctrl === ctrl) this.running.delete(job.id);
        // A slot is free, and the job's key may have a next job waiting behind it (strict FIFO).
        this.kick();
      });
    this.running.set(job.id, { job, ctrl, done });
  }

  /** Refreshes the claims of running jobs; a job no longer ours (taken back, settled) is aborted. */
  private async heartbeat(): Promise<void> {
    const held = [...this.running.values()].filter((r) => !r.ctrl.signal.aborted);
    if (!held.length) return;
    try {
      const res = (await this.boss.touch(
        this.o.queue,
        held.map((r) => r.job),
      )) as { settled?: string[] };
      if (!res.settled) return;
      const ok = new Set(res.settled);
      for (const r of held)
        if (!ok.has(r.job.id) && this.running.has(r.job.id))
          r.ctrl.abort(new Error(`job ${r.job.id} is no longer active under this worker's claim`));
    } catch (err) {
      this.o.log.warn({ err }, 'job heartbeat failed');
    }
  }

  get size(): number {
    return this.running.size;
  }

  /** Stops fetching and waits (bounded) for the running jobs, which the caller has told to end. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.fetching;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
