import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';

// The built client. Vite names every file under assets/ by a hash of its content, so those are
// cached for a year and never revalidated; index.html names the current hashes, so it is always
// revalidated (no-cache). scripts/build-client.ts writes a .br and a .gz beside each asset at
// build time: serving those costs a file read, where compressing per request (the `compression`
// middleware) costs CPU on every first load (docs/client.md has the figures).

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

/** The encodings the request accepts (q=0 refuses one), by our order of preference. */
function accepted(req: Request): (typeof ENCODINGS)[number][] {
  const header = String(req.headers['accept-encoding'] ?? '');
  const offers = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    offers.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (n: string) => (offers.get(n) ?? offers.get('*') ?? 0) > 0;
  return ENCODINGS.filter((e) => ok(e.name));
}

/** Serves client/dist: pre-compressed hashed assets, the HTML, and the HTML for every app route. */
export function clientRoutes(dist: string): Router {
  const router = express.Router();
  const assets = path.join(dist, 'assets');
  // The compressed copies that exist, read once: a build replaces dist as a whole.
  const compressed = new Set(existsSync(assets) ? readdirSync(assets) : []);

  router.get('/assets/:file', (req: Request, res: Response, next) => {
    const file = String(req.params.file);
    if (file.includes('/') || file.startsWith('.') || !compressed.has(file)) return next();
    const encoding = accepted(req).find((e) => compressed.has(file + e.ext));
    res.vary('Accept-Encoding');
    if (!encoding) return next();
    res.type(path.extname(file));
    res.setHeader('Content-Encoding', encoding.name);
    res.setHeader('Cache-Control', IMMUTABLE);
    // Byte ranges of a compressed body are not ranges of the file the URL names.
    res.sendFile(file + encoding.ext, { root: assets, acceptRanges: false, cacheControl: false }, (err) => {
      if (err && !res.headersSent) next();
    });
  });
  router.use(
    express.static(dist, {
      index: false,
      cacheControl: false,
      setHeaders: (res, file) => {
        const hashed = path.dirname(file) === assets;
        res.setHeader('Cache-Control', hashed ? IMMUTABLE : REVALIDATE);
      },
    }),
  );
  // Every other GET is an address inside the app (#/b/... or a reload of /): the HTML.
  // A missing asset is a 404 (the app's not-found problem), not the HTML under a .js name.
  router.get('/{*path}', (req, res, next) => {
    if (req.path.startsWith('/assets/')) return next();
    res.setHeader('Cache-Control', REVALIDATE);
    res.sendFile('index.html', { root: dist, cacheControl: false });
  });
  return router;
}
