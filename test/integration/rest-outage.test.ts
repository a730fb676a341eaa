import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../server/src/app';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/src/db/embedded';
import { migrate } from '../../server/src/db/migrate';
import type { Db } from '../../server/src/db/pool';
import { startAgentRuntime, type AgentRuntime } from '../../server/src/jobs/agent-runtime';
import { silentLogs } from '../../server/src/logger';
import { createSync, type Sync } from '../../server/src/sync';
import { connectSocket, waitFor, type ClientSocket } from '../support/agent-app';
import { listenLocal, openTestDeps } from '../support/app';
import { api } from '../support/http';
import { signUpDefault } from '../support/auth';

// A whole web+worker process (REST, shapes, pg-boss, sockets, control channel, replication) while
// its Postgres is stopped and started again: REST answers 503 problem JSON with Retry-After and no
// database text, the process survives (an uncaught error would fail this file), sockets stay up,
// and once Postgres is back every connection returns by itself. On a Postgres of its own.

const log = silentLogs().for('db');
let dir: string;
let dataDir: string;
let port: number;
let server: EmbeddedDb | undefined;
let db: Db;
let agent: AgentRuntime;
let sync: Sync;
let app: App;
let url: string;
let socket: ClientSocket;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kanban-outage-'));
  dataDir = path.join(dir, 'pg');
  port = await freePort();
  server = await startEmbeddedPostgres({ dataDir, port, log });
  await migrate(server.url, log);
  const deps = await openTestDeps(
    { DB_CONNECT_TIMEOUT_MS: '1000' },
    { database: { url: server.url, name: 'postgres', drop: () => Promise.resolve() } },
  );
  db = deps.db;
  agent = await startAgentRuntime(deps);
  sync = createSync(deps);
  await sync.start();
  app = createApp({ ...deps, agent, sync });
  url = await listenLocal(app);
  await signUpDefault(url);
  socket = await connectSocket(url);
}, 120_000);
afterAll(async () => {
  socket?.disconnect();
  await app?.close();
  await sync?.stop();
  await agent?.stop();
  await db?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('answers 503 with Retry-After while Postgres is down, and 2xx once it is back', async () => {
  const http = api(url);
  expect((await http.post('/api/boards', { name: 'Before' })).status).toBe(201);
  await waitFor(async () => (await http.get('/readyz')).status === 200, 20_000, 'ready');

  await server!.stop();
  for (const res of [await http.get('/api/boards'), await http.post('/api/boards', { name: 'During' })]) {
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/database-unavailable', status: 503 });
    expect(JSON.stringify(res.body)).not.toMatch(/ECONN|postgres|terminat|127\.0\.0\.1/i);
  }
  const ready = await http.get('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body.status).toBe('database unreachable');

  server = await startEmbeddedPostgres({ dataDir, port, log });
  await waitFor(
    async () => (await http.post('/api/boards', { name: 'After' })).status === 201,
    20_000,
    'a write to succeed again',
  );
  // Every long-lived connection (pools, LISTEN clients, pg-boss, replication) is back.
  const back = await waitFor(
    async () => {
      const r = await http.get('/readyz');
      return r.status === 200 && r.body;
    },
    20_000,
    'every connection back',
  );
  expect(Object.values(back.connections).every((c) => (c as { status: string }).status === 'up')).toBe(true);
  expect(Object.keys(back.connections)).toEqual(
    expect.arrayContaining([
      'kanban',
      'kanban-control',
      'kanban-jobs',
      'kanban-socket-adapter',
      'kanban-sync',
    ]),
  );
  expect(socket.connected).toBe(true);
  // One control connection: the failed attempts left nothing behind.
  const { rows } = await db.pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'kanban-control'",
  );
  expect(Number(rows[0]!.n)).toBe(1);
});
