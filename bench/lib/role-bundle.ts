import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// bench/lib/role-process.ts as plain JavaScript, bundled the way scripts/build-server.ts bundles
// the server (our code compiled in, npm dependencies external): the production server runs
// server/dist/main.js under plain node, and tsx's loader and its compiled-module cache would add
// tens of MB to the RSS a memory figure is about. Written beside main.js, so that
// server/src/paths.ts (two levels up) finds the root and better-auth (in server/node_modules)
// resolves as it does for main.js.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles a bench entry (a path under the repo) to server/dist/<outName>; returns the file. */
export async function bundleRole(entry: string, outName: string): Promise<string> {
  const out = path.join(ROOT, 'server/dist', outName);
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'server/package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const external = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter(
    (name) => !name.startsWith('@kanban/'),
  );
  await build({
    entryPoints: [path.join(ROOT, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    external: external.flatMap((name) => [name, `${name}/*`]),
    logLevel: 'warning',
  });
  return out;
}

export const bundleRoleProcess = () => bundleRole('bench/lib/role-process.ts', 'bench-role-process.mjs');
