import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Builds client/dist with Vite unless it is newer than every source it is built from. `npm start`
// and `npm test` call it first, so tests never rebuild (and empty) dist under a running server.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['client/src', 'client/index.html', 'client/vite.config.ts', 'shared/src'];

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

export async function ensureClientBuilt(): Promise<boolean> {
  const index = path.join(ROOT, 'client/dist/index.html');
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (existsSync(index) && statSync(index).mtimeMs > sources) return false;
  const { build } = await import('vite');
  await build({
    root: path.join(ROOT, 'client'),
    configFile: path.join(ROOT, 'client/vite.config.ts'),
    logLevel: 'warn',
  });
  precompress(path.join(ROOT, 'client/dist/assets'));
  return true;
}

const COMPRESSIBLE = /\.(js|css|svg|json|html|txt|map)$/;

/**
 * Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside each text asset. Done once per
 * build at the strongest levels, so the server only picks a file (server/src/http/static.ts).
 */
export function precompress(dir: string) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!COMPRESSIBLE.test(name)) continue;
    const file = path.join(dir, name);
    const body = readFileSync(file);
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    );
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const built = await ensureClientBuilt();
  process.stdout.write(built ? 'client built\n' : 'client build is up to date\n');
}
