import { expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { api } from '../support/http';
import { within } from '../support/gate';
import { startUpstreamCapture, type UpstreamCapture } from '../support/upstream-capture';
import { fetchAs } from '../support/auth';

// ELECTRIC_URL turns /api/shapes/* into a proxy. A second instance of our own built-in server,
// serving Electric's GET /v1/shape, stands in for Electric; a recording hop between the two
// shows what the proxy really sent upstream.

let electric: SyncTestApp;
let capture: UpstreamCapture;
let proxy: SyncTestApp;
let board: { id: string; columns: { id: string }[] };

const it = withFixtures();
it.beforeAll(async ({ database }) => {
  electric = await startSyncApp({ database, env: { SYNC_V1_ENDPOINT: 'true', ELECTRIC_SECRET: 's3cret' } });
  capture = await startUpstreamCapture(electric.url);
  proxy = await startSyncApp({
    database,
    env: { ELECTRIC_URL: capture.url, ELECTRIC_SECRET: 's3cret', SHAPE_LONG_POLL_MS: '20000' },
  });
  board = (await api(proxy.url).post('/api/boards', { name: 'Proxied' })).body.data;
});
it.afterAll(async () => {
  await proxy?.close();
  await capture?.close();
  await electric?.close();
});

it('syncs through the proxy with the official client', async () => {
  expect(proxy.sync.builtin).toBeUndefined(); // no replication of its own
  const rest = api(proxy.url);
  await rest.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0]!.id, title: 'one' });
  const f = follow(`${proxy.url}/api/shapes/tasks`, { board: board.id });
  await f.until(() => f.rows().length === 1, 10_000, 'snapshot via proxy');
  const two = await rest.post(`/api/boards/${board.id}/tasks`, {
    columnId: board.columns[0]!.id,
    title: 'two',
  });
  await f.until(() => f.rows().some((r) => r.id === two.body.data.id), 10_000, 'live change via proxy');
  expect(f.errors).toEqual([]);
  f.stop();
});

it('forwards only protocol parameters, adds the shape and secret, and passes electric-* headers through', async () => {
  const before = capture.requests.length;
  const res = await fetchAs(
    `${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1&cache-buster=x&foo=bar`,
    { headers: { 'accept-encoding': 'gzip' } },
  );
  expect(res.status).toBe(200);
  // What reached "Electric": its shape path, the shape the server defines, the client's
  // protocol parameters, the secret added here; nothing else of the client's.
  const up = capture.requests[before]!;
  expect(capture.requests.length).toBe(before + 1);
  expect(up.method).toBe('GET');
  expect(up.path).toBe('/v1/shape');
  expect(Object.fromEntries(up.params)).toEqual({
    offset: '-1',
    'cache-buster': 'x',
    table: 'tasks',
    where: '"board_id" = $1',
    'params[1]': board.id,
    secret: 's3cret',
  });
  for (const h of ['electric-handle', 'electric-offset', 'electric-schema']) {
    expect(res.headers.get(h), h).not.toBeNull();
  }
  expect(res.headers.get('content-encoding')).toBeNull();
  const body = (await res.json()) as any[];
  // offset=-1 is the snapshot alone (as Electric: no up-to-date there)
  expect(body.at(-1).headers.control).toBe('snapshot-end');
  // The handle is the stand-in's, for the shape the proxy defined.
  const direct = await fetchAs(
    `${electric.url}/v1/shape?table=tasks&where=${encodeURIComponent('"board_id" = $1')}&params[1]=${board.id}&offset=-1&secret=s3cret`,
  );
  expect(direct.headers.get('electric-handle')).toBe(res.headers.get('electric-handle'));
  // Without the secret the stand-in refuses, like Electric.
  expect((await fetchAs(`${electric.url}/v1/shape?table=tasks&offset=-1`)).status).toBe(401);
});

it('refuses a client-chosen table, where, columns or params, and unknown shapes, without going upstream', async () => {
  const before = capture.requests.length;
  const base = `${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1`;
  for (const extra of ['table=boards', 'where=true', 'columns=id', `params[1]=${board.id}`, 'secret=guess']) {
    const res = await fetchAs(`${base}&${extra}`);
    expect(res.status, extra).toBe(400);
    expect(res.headers.get('content-type'), extra).toContain('application/problem+json');
  }
  expect((await fetchAs(`${proxy.url}/api/shapes/nope?offset=-1`)).status).toBe(404);
  expect((await fetchAs(`${proxy.url}/api/shapes/tasks?board=x&offset=-1`)).status).toBe(400);
  expect(capture.requests.length).toBe(before); // none of them reached Electric
});

it('passes upstream errors through and aborts the upstream request when the client leaves', async () => {
  const first = await fetchAs(`${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1`);
  const handle = first.headers.get('electric-handle')!;
  // The log's head: a live request there is held.
  const log = await fetchAs(
    `${proxy.url}/api/shapes/tasks?board=${board.id}&offset=${first.headers.get('electric-offset')}&handle=${handle}`,
  );
  const offset = log.headers.get('electric-offset')!;
  const stale = await fetchAs(`${proxy.url}/api/shapes/tasks?board=${board.id}&offset=${offset}&handle=old`);
  expect(stale.status).toBe(409);
  expect(stale.headers.get('electric-handle')).toBe(handle);

  const n = capture.requests.length;
  const abort = new AbortController();
  const held = fetchAs(
    `${proxy.url}/api/shapes/tasks?board=${board.id}&offset=${offset}&handle=${handle}&live=true&cursor=`,
    { signal: abort.signal },
  ).catch(() => 'aborted');
  // The live request reached Electric and is held there (the long poll is 20 s)...
  const up = await within(capture.nth(n + 1), 10_000, 'the live request upstream');
  expect(Object.fromEntries(up.params)).toMatchObject({ live: 'true', handle, offset });
  abort.abort();
  expect(await held).toBe('aborted');
  // ...and the client leaving made the proxy drop it there too, long before the poll ended.
  await within(up.aborted, 5_000, 'the proxy to abort the upstream request');
});
