import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { CLIENT_BUILD, fingerprint, isFresh, writeStamp } from './freshness.mjs';

// Builds client/dist with Vite unless its stamp matches the sources (scripts/freshness.mjs).
// `npm start` and the e2e project's global setup (test/support/client-build.ts) call it before
// any server starts, so tests never rebuild (and empty) dist under a running server.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function ensureClientBuilt(): Promise<boolean> {
  if (isFresh(ROOT, CLIENT_BUILD)) return false;
  const print = fingerprint(ROOT, CLIENT_BUILD);
  const { build } = await import('vite');
  await build({
    root: path.join(ROOT, 'client'),
    configFile: path.join(ROOT, 'client/vite.config.ts'),
    logLevel: 'warn',
  });
  precompress(path.join(ROOT, 'client/dist/assets'));
  writeStamp(ROOT, CLIENT_BUILD, print);
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
