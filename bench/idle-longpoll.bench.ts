import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDb } from '../server/src/db/pool';
import { silentLogs } from '../server/src/logger';
import { createSync } from '../server/src/sync';
import { benchDatabase } from './lib/database';
import { row, type BenchReport } from './lib/report';
import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';

// What 1,000 idle live long-polls cost the server process: its CPU time over a window with
// them held, beside the same window with nothing held (the baseline, same run). Idle should
// mean idle: nothing polls or spins per request. (Moved here from sync-lifecycle.test.ts,
// where it was a timing threshold.)

const HELD = Number(process.env.BENCH_HELD ?? 1000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2000);

const cpuOver = async (ms: number) => {
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms)); // a measuring window, not a wait for an event
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const logs = silentLogs();
  const config = loadConfig({
    ...AUTH_TEST_ENV,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    SHAPE_LONG_POLL_MS: '30000',
  });
  const db = createDb(database.url, logs.for('db'), 10);
  const sync = createSync({ config, logs, db });
  await sync.start();
  const app = createApp({ config, logs, db, sync });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const board = (
      await db.pool.query<{ id: string }>(`INSERT INTO boards (name) VALUES ('idle') RETURNING id`)
    ).rows[0]!.id;
    // Shapes are per user: the requests are the board owner's, with a session cookie.
    const viewer = await signUpDefault(url);
    await db.pool.query(
      `INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, 'owner') ON CONFLICT DO NOTHING`,
      [board, viewer.userId],
    );
    const headers = { cookie: viewer.cookie };
    const first = await fetch(`${url}/api/shapes/tasks?board=${board}&offset=-1`, { headers });
    const handle = first.headers.get('electric-handle')!;
    const offset = first.headers.get('electric-offset')!;
    const shape = await sync.builtin!.registry.get({
      schema: 'public',
      table: 'tasks',
      where: { column: 'board_id', value: board },
    });
    const path = `/api/shapes/tasks?board=${board}&offset=${offset}&handle=${handle}&live=true&cursor=`;
    const reqs = Array.from({ length: HELD }, () => {
      const req = http.get(`${url}${path}`, { agent, headers });
      req.on('error', () => undefined);
      return req;
    });
    while (shape.waiting < HELD) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // let the burst of connections settle (GC)
    const heldMs = await cpuOver(WINDOW_MS);
    for (const r of reqs) r.destroy();
    // The baseline after they left, so both windows come after the same startup and burst.
    while (shape.waiting > 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    const baselineMs = await cpuOver(WINDOW_MS);
    return {
      name: 'idle-longpoll',
      title: `Server CPU with ${HELD} idle live long-polls held`,
      params: { held: HELD, windowMs: WINDOW_MS, database: database.kind },
      rows: [
        row(`CPU over ${WINDOW_MS} ms, ${HELD} held`, heldMs, 'ms', 'lower', {
          value: baselineMs,
          label: 'same window, after they left',
        }),
      ],
      notes: ['the server runs in this process; the clients too (their sockets idle as well)'],
    };
  } finally {
    agent.destroy();
    await app.close();
    await sync.stop();
    await db.close();
    await database.close();
  }
}
