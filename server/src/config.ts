import { z } from 'zod';

// The only reader of process.env. Every variable is documented in .env.example.

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const Level = z.enum(LEVELS);

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const logLevels = z.string().transform((s, ctx) => {
  const out: Record<string, (typeof LEVELS)[number]> = {};
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, level] = part.split('=').map((x) => x.trim());
    const parsed = Level.safeParse(level);
    if (!name || !parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not subsystem=level (levels: ${LEVELS.join(', ')})`,
      });
      return z.NEVER;
    }
    out[name] = parsed.data;
  }
  return out;
});

const roles = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['web', 'worker'])).min(1));

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  ROLES: roles.default(['web', 'worker']),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  PG_DATA_DIR: z.string().min(1).default('.data/postgres'),
  PG_PORT: port.default(0),
  DB_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  // How long getting a database connection may take before the request fails (503 while
  // Postgres is away, instead of hanging); applies to every pool and LISTEN client.
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  SEED_DEMO: boolean.default(true),
  LOG_LEVEL: Level.default('info'),
  LOG_LEVELS: logLevels.default({}),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
  // Bearer token for GET /metrics. Unset: open in development and test, 403 in production.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Also serve GET /metrics on this port, in every role: the only way a worker-only process
  // exposes its reply metrics. Unset: only the web role's own /metrics.
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),

  // --- accounts and web hardening (docs/accounts.md) ---
  // Signs session cookies and hashes; at least 32 characters. Unset in development/test: a random
  // one is generated once and kept in .data/auth-secret; unset in production: a config error.
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // The same, under the name other tooling uses; BETTER_AUTH_SECRET wins when both are set.
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Who may sign up once the first account exists: anyone, holders of an invite token, nobody.
  AUTH_SIGNUP: z.enum(['open', 'invite', 'closed']).default('invite'),
  // Sign-in / sign-up attempts per client address per minute (better-auth's rate limiter).
  AUTH_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(10),
  // REST writes per user per minute (express-rate-limit); over it: 429.
  WRITE_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(600),
  // A resolved session cookie is reused in this process for this long (auth/session-cache.ts);
  // a sign-out or other auth write through this process forgets it at once. 0: resolve each time.
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  // The address users open (https://kanban.example.com): its origin is trusted for cookie writes
  // and sockets, and https makes session cookies Secure. Unset: the request's own origin.
  PUBLIC_URL: z.url().optional(),
  // Further origins allowed to send cookie-authenticated writes and open sockets (comma-separated).
  ALLOWED_ORIGINS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim().replace(/\/$/, ''))
        .filter(Boolean),
    )
    .pipe(z.array(z.url()))
    .default([]),
  // Host headers accepted when listening beyond loopback (DNS rebinding), comma-separated
  // (host or host:port). Unset: loopback HOST accepts any; another HOST accepts PUBLIC_URL's host.
  ALLOWED_HOSTS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim().toLowerCase())
        .filter(Boolean),
    )
    .default([]),
  // Behind a TLS-terminating proxy: trust X-Forwarded-* from it (Express "trust proxy" hops).
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),

  // --- sync (/api/shapes/*) ---
  ELECTRIC_URL: z.url().optional(),
  ELECTRIC_SECRET: z.string().min(1).optional(),
  // A board with more non-archived cards than this loads them per column, a page at a time
  // (TanStack DB on-demand sync), instead of all before its first render.
  BOARD_ON_DEMAND_CARDS: z.coerce.number().int().min(0).max(10_000_000).default(500),
  // The cards an on-demand board loads per column at first, and per step as a column scrolls.
  BOARD_PAGE_CARDS: z.coerce.number().int().min(1).max(1_000).default(50),
  SHAPE_LONG_POLL_MS: z.coerce.number().int().min(10).max(40_000).default(20_000),
  SHAPE_LOG_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  SHAPE_IDLE_MS: z.coerce.number().int().min(1_000).default(600_000),
  // Live SSE (live_sse=true): the server ends a stream after this long and the client reconnects
  // from its offset (Electric: 60 s); a keep-alive comment goes out after this much silence (21 s).
  SHAPE_SSE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  SHAPE_SSE_KEEPALIVE_MS: z.coerce.number().int().min(10).max(600_000).default(21_000),
  // Cache-Control of non-live shape responses (catch-up, offset=now), as Electric's
  // ELECTRIC_CACHE_MAX_AGE / ELECTRIC_CACHE_STALE_AGE: max-age and stale-while-revalidate (s).
  SHAPE_CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31_536_000).default(60),
  SHAPE_CACHE_STALE_AGE: z.coerce.number().int().min(0).max(31_536_000).default(300),
  SYNC_V1_ENDPOINT: boolean.default(false),
  // With SYNC_V1_ENDPOINT: DELETE /v1/shape drops a shape (its clients get 409 and refetch), as
  // Electric's allow_shape_deletion. Off: 405. Anyone who reaches /v1/shape may then drop shapes.
  SYNC_V1_ALLOW_DELETE: boolean.default(false),
  // Bounds on what the built-in shape server holds (docs/limits.md): a shape whose log of changes
  // passes this many bytes rotates like one past SHAPE_LOG_MAX_ENTRIES (409, clients refetch).
  SHAPE_LOG_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  // Live shapes per instance; at the cap the least recently used idle one is dropped, else 503.
  SHAPE_MAX_LIVE: z.coerce.number().int().min(1).default(10_000),
  // Bytes held by all shapes (snapshots, logs, cached bodies); past it the least recently used
  // shapes are dropped (idle ones first), their clients get 409 and refetch.
  SHAPE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
  // A response carries at most about this many bytes of a shape (Electric's
  // ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD, 10 MiB): larger snapshots and logs are served in chunks,
  // each with its own electric-offset, and only the last ends with up-to-date.
  SHAPE_CHUNK_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .default(10 * 1024 * 1024),
  // Shapes that survive a restart (docs/sync.md): keep the replication slot when the app stops and
  // a copy of every shape in Postgres, so clients resume at their offset instead of refetching.
  // false: a slot per run, dropped on stop; a restart gives new handles (409, clients refetch).
  SHAPE_PERSIST: boolean.default(true),
  // True only when a caching proxy in front authorises every request itself (nginx auth_request to
  // /api/shapes/authorize, docs/sync.md): board shapes then answer without `Vary: cookie`, so
  // viewers with different sessions share one cached answer. Per-user shapes always vary.
  SHAPE_SHARED_CACHE: boolean.default(false),
  // How long a stopped instance's slot (and the WAL it holds) and shapes are kept for a restart
  // to resume; older ones are dropped at the next start, and their clients refetch.
  SHAPE_RESUME_RETAIN_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  // Encoded response bodies one shape keeps for its held long-polls to share.
  SHAPE_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 * 1024),

  // --- http server (idle and slow connections) ---
  // A request's headers must arrive within this; also closes connections that never send one.
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // The whole request must arrive within this (must exceed SHAPE_LONG_POLL_MS).
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  // An idle keep-alive connection is closed after this.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  // Open TCP connections the web server accepts at once (sockets, long-polls); 0: no cap.
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(0).default(10_000),

  // --- agent, jobs and realtime ---
  // Jobs (agent replies) each worker process runs at once, across all tasks.
  AGENT_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(4),
  LLM_PROVIDER: z.enum(['demo', 'openai', 'anthropic', 'ollama']).default('demo'),
  // The model when neither the task nor its board names one; default depends on the provider.
  LLM_MODEL: z.string().trim().min(1).max(200).optional(),
  // Ordered fallbacks after the primary fails: "openai:gpt-4o-mini,ollama:llama3".
  LLM_FALLBACKS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^(demo|openai|anthropic|ollama):\S+$/, 'must be provider:model')))
    .default([]),
  // Prices in US dollars per million tokens, by model: {"openai:gpt-4o-mini":{"in":0.15,"out":0.6}}.
  // A key is "provider:model" or a bare model name (of LLM_PROVIDER); unlisted models cost 0.
  // Priced models are also offered by GET /api/models (agent/prices.ts).
  AGENT_PRICES: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"openai:gpt-4o":{"in":2.5,"out":10}}' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string().trim().min(1).max(200),
        z.object({ in: z.number().min(0).max(10_000), out: z.number().min(0).max(10_000) }).strict(),
      ),
    )
    .default({}),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  OLLAMA_BASE_URL: z.url().default('http://127.0.0.1:11434'),
  // Attempts per provider for transient errors before the first token; backoff base and cap.
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LLM_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  LLM_RETRY_MAX_MS: z.coerce.number().int().min(0).max(300_000).default(20_000),
  // A provider silent for this long (no first token, or mid-stream) is treated as hung.
  LLM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  // Prompt history budget in (estimated) tokens; the task itself is always included.
  AGENT_HISTORY_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(6000),
  // Model calls one reply may make (tool rounds included); the last ends the run with a note.
  AGENT_MAX_ROUNDS: z.coerce.number().int().min(1).max(100).default(8),
  // Agent-to-agent steps in a row (a `mention` handoff, a card an agent moved into a hooked
  // column) before the chain stops with a note (docs/agents.md).
  AGENT_HANDOFF_DEPTH: z.coerce.number().int().min(0).max(20).default(3),
  // Token coalescing window for message.delta, and how often partial content is saved.
  AGENT_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(30),
  AGENT_CHECKPOINT_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  // A reply no worker has claimed for this long shows "waiting for a worker" on its task; a reply
  // left open with its job gone or ended is ended `interrupted` after it (jobs/reply-watch.ts).
  AGENT_WORKER_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  // Pace of the offline demo model's tokens.
  DEMO_TOKEN_MS: z.coerce.number().int().min(0).max(5000).default(25),
  // Packets a socket may have queued before it is dropped as too slow.
  REALTIME_MAX_BUFFERED: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  // Bytes queued in this process for one socket (beyond what the kernel buffers) before it is dropped.
  REALTIME_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  // Task rooms one socket may be in at once; one more subscribe is refused (429).
  REALTIME_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(50),
  // task.subscribe token bucket per socket: refill per second and burst; a socket that keeps
  // subscribing after a burst's worth of refusals is disconnected.
  REALTIME_SUBSCRIBE_RATE: z.coerce.number().min(0.1).default(5),
  REALTIME_SUBSCRIBE_BURST: z.coerce.number().int().min(1).default(20),
  // A socket's session is looked up again this often (and at its expiry): an ended session whose
  // NOTIFY was missed disconnects within this.
  SOCKET_SESSION_CHECK_MS: z.coerce.number().int().min(50).max(2_147_483_647).default(300_000),
  // How long "typing" shows in presence after the last task.typing {typing: true}.
  PRESENCE_TYPING_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // Chat-model clients kept for reuse (one per provider:model), least recently used evicted.
  AGENT_MODEL_CACHE_MAX: z.coerce.number().int().min(1).default(16),
});

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  // A held long-poll is one request: a request timeout below it would cut every one.
  if (c.HTTP_REQUEST_TIMEOUT_MS <= c.SHAPE_LONG_POLL_MS)
    throw new ConfigError(
      'Invalid configuration:\n  HTTP_REQUEST_TIMEOUT_MS: must be greater than SHAPE_LONG_POLL_MS',
    );
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS)
    throw new ConfigError(
      'Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS',
    );
  if (c.NODE_ENV === 'production' && !c.BETTER_AUTH_SECRET && !c.AUTH_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  BETTER_AUTH_SECRET: required in production (32+ random characters)',
    );
  }
  return c;
}

/** The variables config.ts understands; docker-compose and .env.example are checked against it. */
export const KNOWN_ENV = Object.keys(EnvSchema.shape);
