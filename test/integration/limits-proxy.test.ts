import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { expectProblem, makeBoard } from '../support/rest';
import { fetchAs } from '../support/auth';

// With ELECTRIC_URL the proxy refuses a shape for a board or task that does not exist before
// Electric (here our own /v1/shape standing in) would create one for it.

let electric: SyncTestApp;
let proxy: SyncTestApp;
beforeAll(async () => {
  electric = await startSyncApp({ env: { SYNC_V1_ENDPOINT: 'true', ELECTRIC_SECRET: 's3cret' } });
  proxy = await startSyncApp({
    database: electric.database,
    env: { ELECTRIC_URL: electric.url, ELECTRIC_SECRET: 's3cret' },
  });
});
afterAll(async () => {
  await proxy?.close();
  await electric?.close();
});

it('404s a shape for a missing parent without asking Electric, and forwards an existing one', async () => {
  const http = api(proxy.url);
  const upstream = electric.sync.builtin!.registry;
  const before = upstream.stats().shapes;
  for (const q of ['tasks?board', 'columns?board', 'messages?task', 'messages?board']) {
    expectProblem(await http.get(`/api/shapes/${q}=${randomUUID()}&offset=-1`), 404);
  }
  expect(upstream.stats().shapes).toBe(before);
  const board = await makeBoard(http, 'Proxied');
  const res = await fetchAs(`${proxy.url}/api/shapes/tasks?board=${board.id}&offset=-1`);
  expect(res.status).toBe(200);
  expect(upstream.stats().shapes).toBe(before + 1);
});
