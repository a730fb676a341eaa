import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, KNOWN_ENV, loadConfig } from './config';

const fail = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('loadConfig', () => {
  it('has working defaults for an empty environment (npm start with no configuration)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      ROLES: ['web', 'worker'],
      PG_DATA_DIR: '.data/postgres',
      PG_PORT: 0,
      SEED_DEMO: true,
      LOG_LEVEL: 'info',
      LOG_LEVELS: {},
    });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('treats empty strings as unset, as .env files do', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '' });
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('parses values', () => {
    const c = loadConfig({
      PORT: '0',
      ROLES: 'worker',
      SEED_DEMO: 'no',
      DATABASE_URL: 'postgresql://u:p@db:5432/k',
      LOG_LEVELS: ' http=debug , db=warn,',
    });
    expect(c).toMatchObject({
      PORT: 0,
      ROLES: ['worker'],
      SEED_DEMO: false,
      LOG_LEVELS: { http: 'debug', db: 'warn' },
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ROLES', 'web,cron'],
    ['ROLES', ','],
    ['SEED_DEMO', 'maybe'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_LEVELS', 'http=loud'],
    ['LOG_LEVELS', 'http'],
    ['LOG_LEVELS', '=info'],
    ['DB_POOL_MAX', '1'],
    ['BODY_LIMIT_BYTES', '10'],
    ['NODE_ENV', 'staging'],
  ])('names %s when it is %j', (name, value) => {
    expect(fail({ [name]: value })).toMatch(new RegExp(`^\\s+${name}(\\.\\d+)?: `, 'm'));
  });

  it('reports every bad variable at once', () => {
    const message = fail({ PORT: 'x', LOG_LEVEL: 'y' });
    expect(message).toContain('PORT:');
    expect(message).toContain('LOG_LEVEL:');
  });
});

describe('.env.example', () => {
  it('documents every variable config.ts knows, and no others', () => {
    const text = readFileSync(fileURLToPath(new URL('../../.env.example', import.meta.url)), 'utf8');
    const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual([...KNOWN_ENV].sort());
  });
});
