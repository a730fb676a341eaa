import pg from 'pg';
import { expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import { prng, testSeed } from '../support/gate';
import type { SyncTestApp } from '../support/sync-app';
import { changes, follow, type Follower } from '../support/sync-client';
import { api } from '../support/http';

// Three clients on one board and one on another; 500 random REST writes; every client ends
// equal to the database, and a task moved between boards leaves one shape and enters the other.

const it = withFixtures();
let t: SyncTestApp;
let http: ReturnType<typeof api>;

it.beforeAll(({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
});

/** The board's tasks as Postgres prints them, with the shape server's display settings. */
async function tasksOf(board: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: t.database.url });
  await c.connect();
  try {
    await c.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, DMY'`);
    const { rows } = await c.query(
      `SELECT id::text, board_id::text, column_id::text, title, description, position, priority, model,
              agent_status, agent_status_message, created_at::text, updated_at::text,
              created_by, updated_by, assignee_ids, label_ids, due_date::text, archived_at::text,
              agent_id::text, parent_id::text, cost_usd::text, tokens_total::text,
              chat_count, chat_streaming, chat_last_reply_seq::text, chat_last_reply_status,
              chat_last_done_seq::text, chat_open_replies, chat_open_agent_id::text
         FROM tasks WHERE board_id = $1 ORDER BY id`,
      [board],
    );
    // The official client's default parser reads int8 as a BigInt (a null stays null).
    const big = (v: unknown) => (v === null ? null : BigInt(v as string));
    return rows.map((r) => ({
      ...r,
      tokens_total: big(r.tokens_total),
      chat_last_reply_seq: big(r.chat_last_reply_seq),
      chat_last_done_seq: big(r.chat_last_done_seq),
    }));
  } finally {
    await c.end();
  }
}

const sorted = (rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

// The writes come from a seeded PRNG, printed in the name (TEST_SEED replays another).
const seed = testSeed(42);

it(`converges four clients over 500 random writes, and moves a task between board shapes (seed ${seed})`, async () => {
  const a = (await http.post('/api/boards', { name: 'A' })).body.data;
  const b = (await http.post('/api/boards', { name: 'B' })).body.data;
  const colsA: string[] = a.columns.map((c: { id: string }) => c.id);
  const onA: Follower[] = [0, 1, 2].map(() => follow(`${t.url}/api/shapes/tasks`, { board: a.id }));
  const onB = follow(`${t.url}/api/shapes/tasks`, { board: b.id });
  await Promise.all([...onA, onB].map((f) => f.until(() => true, 10_000, 'initial sync')));

  const random = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const live: string[] = [];
  const priorities = ['none', 'low', 'medium', 'high', 'urgent'];
  for (let i = 0; i < 500; i++) {
    const r = random();
    if (live.length < 3 || r < 0.35) {
      const res = await http.post(`/api/boards/${a.id}/tasks`, { columnId: pick(colsA), title: `t${i}` });
      expect(res.status).toBe(201);
      live.push(res.body.data.id);
    } else if (r < 0.65) {
      const res = await http.patch(`/api/tasks/${pick(live)}`, {
        title: `u${i}`,
        ...(random() < 0.5 ? { priority: pick(priorities) } : {}),
      });
      expect(res.status).toBe(200);
    } else if (r < 0.88) {
      const res = await http.post(`/api/tasks/${pick(live)}/move`, {
        columnId: pick(colsA),
        placement: { index: Math.floor(random() * 5) },
      });
      expect(res.status).toBe(200);
    } else {
      const id = live.splice(Math.floor(random() * live.length), 1)[0]!;
      expect((await http.del(`/api/tasks/${id}`)).status).toBe(200);
    }
  }

  const expected = await tasksOf(a.id);
  expect(expected.length).toBe(live.length);
  for (const f of onA) {
    await f.until(() => f.rows().length === expected.length, 20_000, 'convergence');
    expect(sorted(f.rows())).toEqual(expected);
  }
  expect(changes(onB.messages)).toEqual([]);
  expect(onB.rows()).toEqual([]);

  // Moving a task to a column of board B: a delete in A's shape, an insert in B's.
  const moved = live[0]!;
  const res = await http.post(`/api/tasks/${moved}/move`, { columnId: b.columns[0].id });
  expect(res.status).toBe(200);
  await onB.until(() => onB.rows().some((r) => r.id === moved), 10_000, 'move-in');
  for (const f of onA) await f.until(() => !f.rows().some((r) => r.id === moved), 10_000, 'move-out');
  const outOfA = changes(onA[0]!.messages).at(-1)!;
  expect(outOfA.headers.operation).toBe('delete');
  expect(outOfA.value).toEqual({ id: moved });
  const intoB = changes(onB.messages).at(-1)!;
  expect(intoB.headers.operation).toBe('insert');
  expect(intoB.value).toEqual((await tasksOf(b.id))[0]);
  expect(sorted(onA[1]!.rows())).toEqual(await tasksOf(a.id));
  for (const f of [...onA, onB]) {
    expect(f.errors).toEqual([]);
    f.stop();
  }
});
