// `npm start`: plain node on the warm path. Running the TypeScript under tsx cost seconds before
// the first line of ours ran (tsx itself, then every import through its loader hooks, on a
// loaded machine: bench/startup.bench.ts, docs/performance.md). So the server runs as the
// esbuild bundle (server/dist/main.js, what the production image runs), and tsx is only started
// to rebuild what is older than its sources: the bundle (scripts/build-server.ts) or client/dist
// (scripts/build-client.ts). Plain JavaScript on purpose: this file must not need tsx itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The same lists as scripts/build-client.ts (SOURCES) and what scripts/build-server.ts bundles.
const CLIENT = {
  out: 'client/dist/index.html',
  sources: ['client/src', 'client/index.html', 'client/vite.config.ts', 'shared/src'],
};
const SERVER = {
  out: 'server/dist/main.js',
  sources: ['server/src', 'shared/src', 'server/package.json', 'scripts/build-server.ts'],
};

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

const stale = ({ out, sources }) => {
  const file = path.join(ROOT, out);
  return (
    !existsSync(file) ||
    statSync(file).mtimeMs <= Math.max(...sources.map((s) => newestMtime(path.join(ROOT, s))))
  );
};

const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
const build = (script) => {
  const r = spawnSync(tsx, [path.join(ROOT, script)], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (stale(CLIENT)) build('scripts/build-client.ts');
if (stale(SERVER)) build('scripts/build-server.ts');

// The bundle's source map points stack traces at server/src.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(ROOT, SERVER.out)).href);
