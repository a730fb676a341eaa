import http from 'node:http';
import pg from 'pg';
import { describe, expect } from 'vitest';
import { isControlMessage } from '@electric-sql/client';
import type { TestDatabase } from '../support/db';
import { withFixtures } from '../support/fixtures';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { api } from '../support/http';
import { fetchAs, defaultHeaders } from '../support/auth';

// Restarts, replication slot hygiene, retained WAL, and the cost of idle live subscribers.

const it = withFixtures();
let database: TestDatabase;
const apps: SyncTestApp[] = [];
it.beforeAll(({ database: d }) => {
  database = d; // several app instances on it in turn: restarts
});
it.afterAll(async () => {
  for (const a of apps) await a.close();
});

async function start(env: Record<string, string> = {}) {
  const app = await startSyncApp({ database, env });
  apps.push(app);
  return app;
}

async function slots(): Promise<{ slot_name: string; active: boolean }[]> {
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  try {
    const { rows } = await c.query(
      'SELECT slot_name, active FROM pg_replication_slots WHERE database = current_database()',
    );
    return rows;
  } finally {
    await c.end();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('restarts and slots', () => {
  it('with SHAPE_PERSIST=false, drops its slot on a clean stop; after a restart the old handle gets 409 and the client converges', async () => {
    const first = await start({ SHAPE_PERSIST: 'false' });
    const slot = first.sync.builtin!.capture.slot;
    expect((await slots()).map((s) => s.slot_name)).toContain(slot);
    const rest = api(first.url);
    const board = (await rest.post('/api/boards', { name: 'Restart' })).body.data;
    await rest.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title: 'before' });

    // The client always talks to whichever instance is current.
    let base = first.url;
    const f = follow(
      `${first.url}/api/shapes/tasks`,
      { board: board.id },
      {
        fetchClient: (input, init) =>
          fetchAs(
            String(input instanceof Request ? input.url : input).replace(/^http:\/\/127\.0\.0\.1:\d+/, base),
            init,
          ),
        backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
      },
    );
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    const oldHandle = f.stream.shapeHandle;

    await first.close();
    expect((await slots()).map((s) => s.slot_name)).not.toContain(slot);

    const second = await start({ SHAPE_PERSIST: 'false' });
    base = second.url;
    const created = await api(second.url).post(`/api/boards/${board.id}/tasks`, {
      columnId: board.columns[0].id,
      title: 'after',
    });
    await f.until(() => f.rows().some((r) => r.id === created.body.data.id), 15_000, 'resync after restart');
    expect(f.stream.shapeHandle).not.toBe(oldHandle);
    expect(f.messages.some((m) => isControlMessage(m) && m.headers.control === 'must-refetch')).toBe(true);
    expect(
      f
        .rows()
        .map((r) => r.title)
        .sort(),
    ).toEqual(['after', 'before']);
    f.stop();
  });

  it('drops a crashed run’s slot at start, but never a slot whose owner is alive', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_create_logical_replication_slot('kanban_deadbeef00000001', 'pgoutput')`);
      await admin.query(`SELECT pg_create_logical_replication_slot('kanban_a11ve0000000002', 'pgoutput')`);
      // The second one's owner is alive: it holds the slot's lock.
      await admin.query(`SELECT pg_advisory_lock(${0x6b62}, hashtext('kanban_a11ve0000000002'))`);
      const app = await start();
      const names = (await slots()).map((s) => s.slot_name);
      expect(names).not.toContain('kanban_deadbeef00000001');
      expect(names).toContain('kanban_a11ve0000000002');
      expect(names).toContain(app.sync.builtin!.capture.slot);
      await app.close();
    } finally {
      await admin.query(`SELECT pg_drop_replication_slot('kanban_a11ve0000000002')`).catch(() => undefined);
      await admin.end();
    }
  });

  it('keeps retained WAL bounded while writes happen', async () => {
    const app = await start();
    const slot = app.sync.builtin!.capture.slot;
    const rest = api(app.url);
    const board = (await rest.post('/api/boards', { name: 'WAL' })).body.data;
    const f = follow(`${app.url}/api/shapes/tasks`, { board: board.id });
    await f.until(() => true, 10_000, 'sync');
    const big = 'x'.repeat(15_000);
    for (let i = 0; i < 200; i++) {
      await rest.post(`/api/boards/${board.id}/tasks`, {
        columnId: board.columns[0].id,
        title: `w${i}`,
        description: big,
      });
    }
    // ~3 MB were written; if acknowledgements did not advance the slot, all of it would be retained.
    const retained = async () => {
      const { rows } = await app.db.pool.query(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS bytes
           FROM pg_replication_slots WHERE slot_name = $1`,
        [slot],
      );
      return Number(rows[0].bytes);
    };
    await until(async () => (await retained()) < 1_000_000, 15_000, 'the slot to confirm the writes');
    await f.until(() => f.rows().length === 200, 10_000, 'rows');
    f.stop();
  });
});

describe('idle live subscribers', () => {
  // What they cost in CPU is a figure, measured in bench/idle-longpoll.bench.ts beside a baseline.
  it('holds 1,000 idle long-polls, and releases them when clients leave', async () => {
    const app = await start({ SHAPE_LONG_POLL_MS: '30000' });
    const rest = api(app.url);
    const board = (await rest.post('/api/boards', { name: 'Idle' })).body.data;
    const first = await fetchAs(`${app.url}/api/shapes/tasks?board=${board.id}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    const offset = first.headers.get('electric-offset')!;
    const shape = await app.sync.builtin!.registry.get({
      schema: 'public',
      table: 'tasks',
      where: { column: 'board_id', value: board.id },
    });
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const path = `/api/shapes/tasks?board=${board.id}&offset=${offset}&handle=${handle}&live=true&cursor=`;
    let answered = 0;
    const reqs = Array.from({ length: 1000 }, () => {
      const req = http.get(
        `${app.url}${path}`,
        { agent, headers: defaultHeaders(app.url) },
        () => answered++,
      );
      req.on('error', () => undefined);
      return req;
    });
    await until(() => Promise.resolve(shape.waiting === 1000), 20_000, '1,000 held requests');
    expect(answered).toBe(0); // held, not answered

    for (const r of reqs) r.destroy();
    await until(() => Promise.resolve(shape.waiting === 0), 10_000, 'held requests to be released');
    agent.destroy();
  });
});
