// `npm start`: plain node on the warm path. Running the TypeScript under tsx cost seconds before
// the first line of ours ran (tsx itself, then every import through its loader hooks, on a
// loaded machine: bench/startup.bench.ts, docs/performance.md). So the server runs as the
// esbuild bundle (server/dist/main.js, what the production image runs), and tsx is only started
// to rebuild what its stamp says is stale (scripts/freshness.mjs): the bundle
// (scripts/build-server.ts) or client/dist (scripts/build-client.ts). Plain JavaScript on
// purpose: this file must not need tsx itself.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { CLIENT_BUILD, isFresh, SERVER_BUILD } from './freshness.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
const build = (script) => {
  const r = spawnSync(tsx, [path.join(ROOT, script)], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!isFresh(ROOT, CLIENT_BUILD)) build('scripts/build-client.ts');
if (!isFresh(ROOT, SERVER_BUILD)) build('scripts/build-server.ts');

// The bundle's source map points stack traces at server/src.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(ROOT, SERVER_BUILD.output)).href);
