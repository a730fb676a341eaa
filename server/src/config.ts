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
  SEED_DEMO: boolean.default(true),
  LOG_LEVEL: Level.default('info'),
  LOG_LEVELS: logLevels.default({}),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),

  // --- sync (/api/shapes/*) ---
  ELECTRIC_URL: z.url().optional(),
  ELECTRIC_SECRET: z.string().min(1).optional(),
  SHAPE_LONG_POLL_MS: z.coerce.number().int().min(10).max(40_000).default(20_000),
  SHAPE_LOG_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  SHAPE_IDLE_MS: z.coerce.number().int().min(1_000).default(600_000),
  SYNC_V1_ENDPOINT: boolean.default(false),

  // --- agent, jobs and realtime ---
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
  return parsed.data;
}

/** The variables config.ts understands; docker-compose and .env.example are checked against it. */
export const KNOWN_ENV = Object.keys(EnvSchema.shape);
