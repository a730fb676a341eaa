import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { api } from '../support/http';

// ELECTRIC_URL turns /api/shapes/* into a proxy. A second instance of our own built-in server,
// serving Electric's GET /v1/shape, stands in for Electric.

let electric: SyncTestApp;
let proxy: SyncTestApp;
let board: { id: string; columns: { id: string }[] };

beforeAll(async () => {
  electric = await startSyncApp({ env: { SYNC_V1_ENDPOINT: 'true', ELECTRIC_SECRET: 's3cret' } });
  proxy = await startSyncApp({
    database: electric.database,
    env: { ELECTRIC_URL: electric.url, ELECTRIC_SECRET: 's3cret', SHAPE_LONG_POLL_MS: '20000' },
  });
  board = (await api(proxy.url).post('/api/boards', { name: 'Proxied' })).body.data;
});
afterAll(async () => {
  await proxy?.close();
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
  const res = await fetch(
    `${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1&cache-buster=x&foo=bar`,
    {
      headers: { 'accept-encoding': 'gzip' },
    },
  );
  expect(res.status).toBe(200);
  for (const h of ['electric-handle', 'electric-offset', 'electric-schema', 'electric-up-to-date']) {
    expect(res.headers.get(h), h).not.toBeNull();
  }
  expect(res.headers.get('content-encoding')).toBeNull();
  const body = await res.json();
  expect(body.at(-1).headers.control).toBe('up-to-date');
  // The handle is the stand-in's, for the shape the proxy defined.
  const direct = await fetch(
    `${electric.url}/v1/shape?table=tasks&where=${encodeURIComponent('"board_id" = $1')}&params[1]=${board.id}&offset=-1&secret=s3cret`,
  );
  expect(direct.headers.get('electric-handle')).toBe(res.headers.get('electric-handle'));
  // Without the secret the stand-in refuses, like Electric.
  expect((await fetch(`${electric.url}/v1/shape?table=tasks&offset=-1`)).status).toBe(401);
  // The proxy still validates its own routes before going upstream.
  expect((await fetch(`${proxy.url}/api/shapes/nope?offset=-1`)).status).toBe(404);
  expect((await fetch(`${proxy.url}/api/shapes/tasks?board=x&offset=-1`)).status).toBe(400);
  expect((await fetch(`${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1&table=boards`)).status).toBe(
    400,
  );
});

it('passes upstream errors through and aborts the upstream request when the client leaves', async () => {
  const first = await fetch(`${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1`);
  const handle = first.headers.get('electric-handle')!;
  const offset = first.headers.get('electric-offset')!;
  const stale = await fetch(`${proxy.url}/api/shapes/tasks?board=${board.id}&offset=${offset}&handle=old`);
  expect(stale.status).toBe(409);
  expect(stale.headers.get('electric-handle')).toBe(handle);

  const shape = await electric.sync.builtin!.registry.get({
    schema: 'public',
    table: 'tasks',
    where: { column: 'board_id', value: board.id },
  });
  const abort = new AbortController();
  const held = fetch(
    `${proxy.url}/api/shapes/tasks?board=${board.id}&offset=${offset}&handle=${handle}&live=true&cursor=`,
    { signal: abort.signal },
  ).catch(() => 'aborted');
  const deadline = Date.now() + 10_000;
  while (shape.waiting === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(shape.waiting).toBe(1);
  abort.abort();
  expect(await held).toBe('aborted');
  while (shape.waiting > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(shape.waiting).toBe(0);
});
