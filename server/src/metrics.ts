import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// Prometheus metrics of one app. A Registry per app (never prom-client's global one), so tests
// and benches can build several apps in one process. What already lives elsewhere (shapes,
// sockets, queues, replication, connection states) is read when scraped, through `sources`;
// only events (a request answered, a reply's first token or end) are pushed.

/** What the shape registry can tell; fields it cannot (yet) are left out and not reported. */
export interface ShapeStats {
  shapes: number;
  subscribers?: number;
  bytes?: number;
}

export interface MetricSources {
  shapes?: () => ShapeStats;
  sockets?: () => number;
  /** Jobs per state, per queue (pg-boss getQueue counts). */
  queues?: () => Promise<Record<string, Record<string, number>>>;
  /** Bytes of WAL each replication slot of this database has not confirmed yet. */
  replicationLag?: () => Promise<Record<string, number>>;
  /** Each long-lived connection: up or not (wired to the connection-state module). */
  connections?: () => Record<string, boolean>;
}

/** The reply path's observations (jobs/agent-reply.ts), one call each. */
export interface ReplyMetrics {
  firstToken(provider: string, seconds: number): void;
  replyEnded(
    status: string,
    model: string | undefined,
    usage?: { input_tokens?: number; output_tokens?: number } | null,
    costUsd?: number,
  ): void;
}

export class Metrics implements ReplyMetrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};
  readonly http = new Histogram({
    name: 'kanban_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'kanban_reply_first_token_seconds',
    help: 'From a claimed reply job to the first model token, by provider',
    labelNames: ['provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  private readonly replies = this.counter('kanban_replies_total', 'Replies ended, by status', ['status']);
  private readonly tokens = this.counter('kanban_llm_tokens_total', 'Model tokens by direction', [
    'model',
    'direction',
  ]);
  private readonly cost = this.counter('kanban_llm_cost_usd_total', 'Estimated model cost (USD)', ['model']);

  /**
   * `processMetrics`: prom-client's default collectors (memory, CPU, event loop, GC). They start
   * observers that cannot be stopped, so only the process's own registry (main.ts) asks for them,
   * not the many short-lived apps of a test run.
   */
  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    const s = () => this.sources;
    this.gauge('kanban_shapes', 'Live shapes held by the built-in shape server', [], (g) => {
      const v = s().shapes?.().shapes;
      if (v !== undefined) g.set(v);
    });
    this.gauge('kanban_shape_subscribers', 'Requests waiting on a shape (live long-polls)', [], (g) => {
      const v = s().shapes?.().subscribers;
      if (v !== undefined) g.set(v);
    });
    this.gauge('kanban_shape_log_bytes', 'Bytes held in shape logs and their caches', [], (g) => {
      const v = s().shapes?.().bytes;
      if (v !== undefined) g.set(v);
    });
    this.gauge('kanban_sockets', 'Connected Socket.IO clients of this process', [], (g) => {
      const v = s().sockets?.();
      if (v !== undefined) g.set(v);
    });
    this.gauge(
      'kanban_queue_jobs',
      'Jobs per queue and state (pg-boss counts)',
      ['queue', 'state'],
      async (g) => {
        for (const [queue, states] of Object.entries((await s().queues?.()) ?? {}))
          for (const [state, n] of Object.entries(states)) g.set({ queue, state }, n);
      },
    );
    this.gauge('kanban_replication_lag_bytes', 'WAL not yet confirmed by each slot', ['slot'], async (g) => {
      for (const [slot, n] of Object.entries((await s().replicationLag?.()) ?? {})) g.set({ slot }, n);
    });
    this.gauge('kanban_connection_up', 'Long-lived connections: 1 up, 0 down', ['name'], (g) => {
      for (const [name, up] of Object.entries(s().connections?.() ?? {})) g.set({ name }, up ? 1 : 0);
    });
  }

  /** Adds (or replaces) sources; parts are built at different times. */
  use(more: MetricSources): void {
    this.sources = { ...this.sources, ...more };
  }

  firstToken(provider: string, seconds: number): void {
    this.ttft.observe({ provider }, seconds);
  }

  replyEnded(status: string, model = 'none', usage?: ReplyUsage | null, costUsd?: number): void {
    this.replies.inc({ status });
    if (usage?.input_tokens) this.tokens.inc({ model, direction: 'in' }, usage.input_tokens);
    if (usage?.output_tokens) this.tokens.inc({ model, direction: 'out' }, usage.output_tokens);
    if (costUsd) this.cost.inc({ model }, costUsd);
  }

  /** The exposition text; a source that fails (database away) is skipped, not fatal. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    read: (g: Gauge<L>) => void | Promise<void>,
  ) {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        // Labelled series are re-read each scrape, so one that disappeared is not kept stale.
        if (labelNames.length) this.reset();
        await Promise.resolve(read(this)).catch(() => undefined);
      },
    });
  }
}

type ReplyUsage = { input_tokens?: number; output_tokens?: number };
