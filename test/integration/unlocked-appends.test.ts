import { describe, expect } from 'vitest';
import { generateKeyBetween } from 'fractional-indexing';
import { withFixtures, type RestApp } from '../support/fixtures';
import { makeBoard, makeTask, type Http } from '../support/rest';
import { within } from '../support/gate';
import { waitFor } from '../support/agent-app';
import { POSITION_TAKEN, writeStatement } from '../../server/src/commands/task-writes';

// migrations/0080: an append (end or start) takes no column lock; concurrent appends land apart
// on random key fractions, and the rare two that draw the same one clash on the position key,
// which the app runs again (commands/task-writes.ts writeStatement).

const it = withFixtures();
let t: RestApp;
let http: Http;
it.beforeAll(({ app, http: h }) => {
  t = app;
  http = h;
});

const CREATE = `SELECT (r.task).position FROM kanban_create_task($1, $2, NULL, NULL, $3, '', 'none', NULL,
                  $4, 'Owner', 'end', NULL, NULL, NULL) r`;

const waitingOnLock = async () => {
  const { rows } = await t.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%kanban_create_task%'`,
  );
  return rows[0]!.n > 0;
};

describe('appends without the column lock', () => {
  it('an append does not wait for another append to commit', async () => {
    const board = await makeBoard(http, 'Unlocked');
    const col = board.columns[0]!.id;
    const first = await makeTask(http, board.id, col, 'first');
    const holder = await t.db.pool.connect();
    try {
      await holder.query('BEGIN');
      const held = await holder.query<{ position: string }>(CREATE, [board.id, col, 'held', t.owner.userId]);
      // With the column locked this would wait for the holder's COMMIT below.
      const r = await within(
        http.post(`/api/boards/${board.id}/tasks`, { columnId: col, title: 'free' }),
        10_000,
        'the append beside an open one',
      );
      expect(r.status).toBe(201);
      const key = r.body.data.position as string;
      expect(key > first.position).toBe(true);
      expect(key).not.toBe(held.rows[0]!.position);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
  });

  it('two appends that draw the same key: the second runs again, after the first', async () => {
    const board = await makeBoard(http, 'Clash');
    const col = board.columns[0]!.id;
    const [a, b] = [await t.db.pool.connect(), await t.db.pool.connect()];
    try {
      // The same seed on both sessions: the same random fraction after the same last key.
      await a.query('SELECT setseed(0.25)');
      await b.query('SELECT setseed(0.25)');
      await a.query('BEGIN');
      const first = (await a.query<{ position: string }>(CREATE, [board.id, col, 'a', t.owner.userId]))
        .rows[0]!.position;
      const errors: unknown[] = [];
      const second = writeStatement(async () => {
        try {
          return await b.query<{ position: string }>(CREATE, [board.id, col, 'b', t.owner.userId]);
        } catch (err) {
          errors.push(err);
          throw err;
        }
      });
      second.catch(() => undefined); // awaited below
      await waitFor(waitingOnLock, 10_000, 'the second append to wait on the first one’s key');
      await a.query('COMMIT');
      const key = (await second).rows[0]!.position;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: '23505', constraint: POSITION_TAKEN });
      expect(key > first).toBe(true);
    } finally {
      a.release();
      b.release();
    }
  });

  it('twenty concurrent moves to the start of a column all land before its first task, in valid keys', async () => {
    const board = await makeBoard(http, 'Starts');
    const [col, other] = [board.columns[0]!.id, board.columns[1]!.id];
    // An appended first task has a fraction ('a0' plus three digits): the library's key before
    // it is its prefix 'a0', which no fraction can follow and stay below it.
    const first = await makeTask(http, board.id, col, 'first');
    const moved = [];
    for (let i = 0; i < 20; i++) moved.push(await makeTask(http, board.id, other, `m${i}`));
    const results = await Promise.all(
      moved.map((m) => http.post(`/api/tasks/${m.id}/move`, { columnId: col, placement: { index: 0 } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const keys = results.map((r) => r.body.data.position as string);
    expect(new Set(keys).size).toBe(20);
    for (const k of keys) {
      expect(k < first.position).toBe(true);
      // The client computes keys beside these with the library: it must accept them.
      expect(() => generateKeyBetween(k, first.position)).not.toThrow();
    }
  });
});
