import { describe, expect } from 'vitest';
import { api } from '../support/http';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { fetchAs } from '../support/auth';
import { follow } from '../support/sync-client';
import type { Row } from '@electric-sql/client';

// The /v1/shape behaviours found missing or different when compared with Electric's own source
// (packages/sync-service/lib/electric/shapes/api/{params,delete,options}.ex, plug/utils.ex
// CORSHeaderPlug): its parameter messages, subset limits, a malformed POST body, CORS and the
// preflight, DELETE by handle alone and the handle/definition mismatch body.

const it = withFixtures({
  syncEnv: { SYNC_V1_ENDPOINT: 'true', SYNC_V1_ALLOW_DELETE: 'true', BODY_LIMIT_BYTES: '2048' },
});
let t: SyncTestApp;
let http: ReturnType<typeof api>;

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  await t.db.pool.query(`
    CREATE TABLE cards (id int PRIMARY KEY, title text);
    ALTER TABLE cards REPLICA IDENTITY FULL;
    ALTER PUBLICATION kanban_sync ADD TABLE cards;
    INSERT INTO cards VALUES (1, 'one'), (2, 'two');`);
});

const shape = (q: string, init?: RequestInit) => fetchAs(`${t.url}/v1/shape?${q}`, init);

/** The head of the shape's log, as a client following it would hold it. */
async function head(q = 'table=cards') {
  const first = await shape(`${q}&offset=-1`);
  const handle = first.headers.get('electric-handle')!;
  const next = await shape(`${q}&offset=${first.headers.get('electric-offset')}&handle=${handle}`);
  return { handle, offset: next.headers.get('electric-offset')! };
}

describe("Electric's 400 messages on /v1/shape", () => {
  it('words each refused protocol parameter as Electric does', async () => {
    const { handle, offset } = await head();
    const cases: [string, string, string][] = [
      ['table=cards', 'offset', "can't be blank"],
      [`table=cards&offset=${offset}`, 'handle', "can't be blank when offset != -1"],
      ['table=cards&offset=-1&live=true', 'live', "can't be true when offset == -1"],
      ['table=cards&offset=now&live=true', 'live', "can't be true when offset is 'now'"],
      [
        `table=cards&offset=${offset}&handle=${handle}&live_sse=true`,
        'live_sse',
        "can't be true unless live is also true",
      ],
      ['table=cards&offset=-1&log=sometimes', 'log', 'is invalid'],
      ['table=cards&offset=-1&replica=half', 'replica', 'is invalid'],
      ['offset=-1', 'table', "can't be blank"],
      [`table=cards&offset=999999999999_0&handle=${handle}`, 'offset', 'out of bounds for this shape'],
    ];
    for (const [q, param, text] of cases) {
      const res = await shape(q);
      expect(res.status, q).toBe(400);
      expect(await res.json(), q).toEqual({ message: 'Invalid request', errors: { [param]: [text] } });
    }
  });

  it('refuses a subset limit below 1 and an offset below 0, and a page without an order', async () => {
    const cases: [string, string, string][] = [
      ['subset__limit=0&subset__order_by=id', 'subset__limit', 'must be greater than 0'],
      ['subset__offset=-1&subset__order_by=id', 'subset__offset', 'must be greater than or equal to 0'],
      ['subset__limit=2', 'subset__order_by', 'order_by is required when limit or offset is present'],
    ];
    for (const [q, param, text] of cases) {
      const res = await shape(`table=cards&offset=-1&${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.json(), q).toEqual({ message: 'Invalid request', errors: { [param]: [text] } });
    }
    const post = await shape('table=cards&offset=-1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 0, order_by: 'id' }),
    });
    expect(post.status).toBe(400);
    expect(((await post.json()) as { errors: unknown }).errors).toEqual({
      subset__limit: ['must be greater than 0'],
    });
  });

  it("answers a POST body that is not JSON, or too large, with Electric's body, not problem JSON", async () => {
    const bad = await shape('table=cards&offset=-1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"where": ',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await bad.json()).toEqual({
      message: 'Invalid request',
      errors: { body: ['must be a JSON object'] },
    });
    const big = await shape('table=cards&offset=-1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ where: `title = '${'x'.repeat(4096)}'` }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await big.json()).toEqual({ message: 'Request body too large' });
  });
});

describe('CORS on /v1/shape, as Electric', () => {
  it('lets a page on another origin read the electric-* headers of every answer', async () => {
    const res = await shape('table=cards&offset=-1', { headers: { origin: 'https://elsewhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
    const exposed = res.headers.get('access-control-expose-headers')!.split(',');
    for (const h of [
      'electric-cursor',
      'electric-handle',
      'electric-offset',
      'electric-schema',
      'electric-up-to-date',
      'electric-snapshot',
    ])
      expect(exposed, h).toContain(h);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, HEAD, DELETE, OPTIONS');
    // errors too (the client reads their JSON), and '*' without an Origin
    const err = await fetch(`${t.url}/v1/shape?offset=-1`);
    expect(err.status).toBe(400);
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers a preflight 204, cached for a day, allowing only if-none-match and traceparent', async () => {
    const res = await fetch(`${t.url}/v1/shape?table=cards&offset=-1`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://elsewhere.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'If-None-Match, authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-max-age')).toBe('86400');
    expect(res.headers.get('access-control-allow-headers')).toBe('if-none-match');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
    expect(res.headers.get('cache-control')).toBeNull();
  });

  it('leaves the app’s own /api/shapes same-origin', async () => {
    const res = await fetchAs(`${t.url}/api/shapes/boards?offset=-1`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('DELETE /v1/shape, as Electric', () => {
  it('deletes by handle alone: 202, its clients refetch; an unknown handle 404; neither table nor handle 400', async () => {
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'cards', where: 'id = 2' });
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    const handle = f.stream.shapeHandle!;
    const res = await http.del(`/v1/shape?handle=${handle}`);
    expect(res.status).toBe(202);
    await f.until(() => f.stream.shapeHandle !== handle && f.rows().length === 1, 10_000, 'resync');
    f.stop();

    const unknown = await http.del(`/v1/shape?handle=${handle}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'No existing shape found' });
    const neither = await http.del('/v1/shape');
    expect(neither.status).toBe(400);
    expect(neither.body).toEqual({
      message: 'Invalid request',
      errors: { handle: ["can't be blank when shape definition is missing"] },
    });
  });

  it('answers a handle that is not the definition’s with Electric’s mismatch message', async () => {
    const { handle } = await head('table=cards&where=id%20%3D%201');
    const res = await http.del(`/v1/shape?table=cards&where=id%20%3D%201&handle=not-${handle}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message:
        'The specified shape definition and handle do not match. Please ensure the shape definition is correct or omit the shape handle from the request to obtain a new one.',
    });
  });
});
