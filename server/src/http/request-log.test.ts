import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logFor, requestLog } from './request-log';

// The request log line as pino-http wrote it (level by status, reqId, req, res, responseTime),
// over a real HTTP server, with the lines caught from pino's own stream.

const lines: Record<string, unknown>[] = [];
const log = pino(
  { level: 'info', base: undefined },
  { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
);
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(requestLog(log));
  app.get('/ok', (_req, res) => void res.json({ ok: true }));
  app.get('/missing', (_req, res) => void res.status(404).json({}));
  app.get('/broken', (req, res) => {
    logFor(req, log).error('inside');
    res.status(500).json({});
  });
  app.get('/away', (_req, res) => void res.status(503).json({}));
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The response, once its log line (if any) has been written: the next request's line follows it. */
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { headers });
  await res.arrayBuffer();
  return res;
}

describe('requestLog', () => {
  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    expect((await get('/ok', { 'x-request-id': 'abc-123' })).headers.get('x-request-id')).toBe('abc-123');
    expect((await get('/ok', { 'x-request-id': 'a b<' })).headers.get('x-request-id')).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('writes 4xx at info, 5xx at error, 503 at warn, 2xx at debug (dropped here)', async () => {
    lines.length = 0;
    await get('/ok');
    await get('/missing', { 'x-request-id': 'r-404' });
    await get('/broken', { 'x-request-id': 'r-500' });
    await get('/away');
    // One more request: its line comes after every line above.
    await get('/missing', { 'x-request-id': 'last' });
    expect(lines.at(-1)).toMatchObject({ reqId: 'last' });
    const summary = lines.map((l) => [
      l.level,
      l.msg,
      l.reqId === undefined ? '-' : 'id',
      (l.req as { url?: string } | undefined)?.url ?? '-',
      (l.res as { statusCode?: number } | undefined)?.statusCode ?? '-',
    ]);
    expect(summary).toEqual([
      [30, 'request completed', 'id', '/missing', 404],
      [50, 'inside', 'id', '-', '-'],
      [50, 'request errored', 'id', '/broken', 500],
      [40, 'request errored', 'id', '/away', 503],
      [30, 'request completed', 'id', '/missing', 404],
    ]);
    expect(lines[1]).toMatchObject({ reqId: 'r-500' });
    expect(typeof lines[0]!.responseTime).toBe('number');
  });
});
