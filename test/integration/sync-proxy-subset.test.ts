import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ShapeStream } from '@electric-sql/client';
import { expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { defaultHeaders, fetchAs } from '../support/auth';

// Subset snapshots through ELECTRIC_URL (electric-protocol §3.6, §10): the proxy must hand
// Electric the client's subset request as it came — every subset__* parameter of a GET, the
// offset and handle it was made at, a POST's JSON body — and Electric's answer back unchanged
// (electric-snapshot, electric-offset). Upstream is a tiny HTTP server that records each request
// and answers like Electric: this checks our proxy, not Electric.

interface Seen {
  method: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

const SUBSET_BODY =
  '{"metadata":{"xmin":"10","xmax":"12","xip_list":["11"],"snapshot_mark":7,"database_lsn":"99"},"data":[]}';
const UPSTREAM_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-cache',
  'electric-handle': 'H-upstream',
  'electric-offset': '123_4',
  'electric-schema': '{"id":{"type":"uuid","pk_index":0,"not_null":true}}',
  'electric-snapshot': 'true',
  etag: '"H-upstream:123_4:123_4"',
};

let upstream: Server;
let upstreamUrl: string;
const seen: Seen[] = [];
let proxy: SyncTestApp;
let board: string;

const it = withFixtures();
it.beforeAll(async ({ database }) => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://upstream');
      seen.push({
        method: req.method ?? '',
        params: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      // Electric's revalidation: a matching If-None-Match is a 304 without a body.
      if (req.headers['if-none-match'] === UPSTREAM_HEADERS.etag) {
        res.writeHead(304, UPSTREAM_HEADERS);
        return void res.end();
      }
      res.writeHead(200, UPSTREAM_HEADERS);
      res.end(SUBSET_BODY);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  proxy = await startSyncApp({ database, env: { ELECTRIC_URL: upstreamUrl, ELECTRIC_SECRET: 's3cret' } });
  board = (await api(proxy.url).post('/api/boards', { name: 'Proxied subsets' })).body.data.id;
});
it.afterAll(async () => {
  await proxy?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
});

/** What the proxy adds: the shape the route defines and the secret. */
const shapeParams = () => ({
  table: 'tasks',
  where: '"board_id" = $1',
  'params[1]': board,
  secret: 's3cret',
});

/** The official client, with a fetch that records what it sent to the proxy. */
function clientThroughProxy() {
  const sent: { url: URL; body?: string }[] = [];
  const stream = new ShapeStream({
    url: `${proxy.url}/api/shapes/tasks`,
    params: { board },
    headers: defaultHeaders(proxy.url),
    log: 'changes_only',
    offset: '123_4',
    handle: 'H-upstream',
    warnOnHttp: false,
    fetchClient: (input, init) => {
      sent.push({
        url: new URL(input instanceof Request ? input.url : input),
        body: typeof init?.body === 'string' ? init.body : undefined,
      });
      return fetch(input, init);
    },
  });
  return { stream, sent };
}

it('forwards a GET subset with every subset__ parameter, at the offset and handle it came at', async () => {
  const { stream, sent } = clientThroughProxy();
  const before = seen.length;
  const where = `"title" > $1 AND "title" <> 'a & b; c=%' AND "title" LIKE $2`;
  const result = await stream.fetchSnapshot({
    where,
    params: { '1': 'x y+z', '2': 'ünï%' },
    orderBy: '"title" DESC NULLS LAST',
    limit: 2,
    offset: 1,
  });
  // Electric's answer reaches the client unchanged
  expect(result.metadata).toEqual(JSON.parse(SUBSET_BODY).metadata);
  expect(result.responseOffset).toBe('123_4');
  expect(result.responseHandle).toBe('H-upstream');

  expect(seen.length).toBe(before + 1);
  const up = seen[before]!;
  expect(up.method).toBe('GET');
  const fromClient = Object.fromEntries(sent.at(-1)!.url.searchParams);
  expect(fromClient['subset__where']).toBe(where);
  delete fromClient.board;
  // every parameter the client sent, byte for byte, plus the route's shape and the secret
  expect(Object.fromEntries(up.params)).toEqual({ ...fromClient, ...shapeParams() });
  expect(up.params.get('offset')).toBe('123_4');
  expect(up.params.get('handle')).toBe('H-upstream');
  expect(up.params.get('log')).toBe('changes_only');
  expect(
    Object.keys(fromClient)
      .filter((k) => k.startsWith('subset__'))
      .sort(),
  ).toEqual(['subset__limit', 'subset__offset', 'subset__order_by', 'subset__params', 'subset__where']);
});

it('forwards a POST subset body as the client sent it, with the protocol parameters in the URL', async () => {
  const { stream, sent } = clientThroughProxy();
  const before = seen.length;
  const result = await stream.fetchSnapshot({
    method: 'POST',
    where: `"title" = $1 OR "description" ILIKE $2`,
    params: { '1': 'quote " and \\ backslash', '2': '%日本%' },
    orderBy: '"title" ASC',
    limit: 3,
  });
  expect(result.responseOffset).toBe('123_4');
  const up = seen[before]!;
  expect(up.method).toBe('POST');
  expect(up.headers['content-type']).toContain('application/json');
  const { body } = sent.at(-1)!;
  expect(body).toBeDefined();
  expect(JSON.parse(up.body)).toEqual(JSON.parse(body!));
  const fromClient = Object.fromEntries(sent.at(-1)!.url.searchParams);
  delete fromClient.board;
  expect(Object.fromEntries(up.params)).toEqual({ ...fromClient, ...shapeParams() });
  // the body's subset stays in the body: nothing of it was turned into URL parameters
  expect([...up.params.keys()].some((k) => k.startsWith('subset__'))).toBe(false);
});

it('passes If-None-Match upstream, so Electric can answer a revalidation with 304', async () => {
  const before = seen.length;
  const res = await fetchAs(`${proxy.url}/api/shapes/tasks?board=${board}&offset=123_4&handle=H-upstream`, {
    headers: { 'if-none-match': UPSTREAM_HEADERS.etag },
  });
  expect(seen[before]!.headers['if-none-match']).toBe(UPSTREAM_HEADERS.etag);
  expect(res.status).toBe(304);
  expect(res.headers.get('etag')).toBe(UPSTREAM_HEADERS.etag);
  expect(res.headers.get('electric-handle')).toBe('H-upstream');
  expect(await res.text()).toBe('');
});
