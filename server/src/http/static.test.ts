import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { clientRoutes } from './static';

// A built client in a temp dir (as scripts/build-client.ts leaves it), served over real HTTP.
// node:http, not fetch: fetch would decode the body and hide what went over the wire.

let dir: string;
let server: Server;
let base: string;
const js = `console.log(${JSON.stringify('x'.repeat(5000))});`;

function get(p: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${p}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'client-dist-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Kanban</title>');
  writeFileSync(path.join(dir, 'assets/index-abc123.js'), js);
  writeFileSync(path.join(dir, 'assets/index-abc123.js.br'), brotliCompressSync(js));
  writeFileSync(path.join(dir, 'assets/index-abc123.js.gz'), gzipSync(js));
  writeFileSync(path.join(dir, 'assets/plain-def456.css'), 'body{}');
  const app = express();
  app.use(clientRoutes(dir));
  app.use((_req, res) => res.status(404).json({ status: 404 }));
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('client static serving', () => {
  it('serves the brotli copy of a hashed asset to a browser that takes br, cached for good', async () => {
    const res = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(brotliDecompressSync(res.body).toString()).toBe(js);
  });

  it('falls back to gzip, then to the plain file, as the request allows', async () => {
    const gz = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(js);
    const plain = await get('/assets/index-abc123.js', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('caches an asset without compressed copies for good too', async () => {
    const res = await get('/assets/plain-def456.css', { 'accept-encoding': 'br' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('always revalidates the HTML, at / and at any app address', async () => {
    for (const p of ['/', '/index.html', '/some/deep/link']) {
      const res = await get(p);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body.toString()).toContain('<title>Kanban</title>');
    }
  });

  it('answers 404 for a missing asset instead of the HTML', async () => {
    expect((await get('/assets/gone-000000.js')).status).toBe(404);
    // Nothing outside the dist directory, however the path is spelled.
    const out = await get('/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd');
    expect([403, 404]).toContain(out.status);
    expect(out.body.toString()).not.toContain('root:');
  });
});
