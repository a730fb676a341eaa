import { describe, expect } from 'vitest';
import type { Row } from '@electric-sql/client';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { changes, follow } from '../support/sync-client';

// Rows entering and leaving a filtered shape (move-in / move-out) through the official client,
// for each operator of the where grammar: an update that makes the clause true must arrive as an
// insert, one that makes it false again as a delete, and the row must be gone from the Shape.

const it = withFixtures({ syncEnv: { SYNC_V1_ENDPOINT: 'true' } });
let t: SyncTestApp;

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  await t.db.pool.query(`
    CREATE TYPE live_mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE live_items (id int PRIMARY KEY, n int, big int8, amount numeric, t text, f bool,
      u uuid, at timestamptz, day date, mood live_mood, code char(3));
    ALTER TABLE live_items REPLICA IDENTITY FULL;
    ALTER PUBLICATION kanban_sync ADD TABLE live_items;`);
});

interface Case {
  where: string;
  params?: Record<string, string>;
  /** Column values that put the row outside, then inside the shape. */
  out: Record<string, unknown>;
  in: Record<string, unknown>;
}

const CASES: Case[] = [
  { where: 'n = 1', out: { n: 2 }, in: { n: 1 } },
  { where: 'n <> 1', out: { n: 1 }, in: { n: 2 } },
  { where: 'n != 1', out: { n: 1 }, in: { n: 0 } },
  { where: 'n < 5', out: { n: 5 }, in: { n: 4 } },
  { where: 'n <= 5', out: { n: 6 }, in: { n: 5 } },
  { where: 'n > 5', out: { n: 5 }, in: { n: 6 } },
  { where: 'n >= 5', out: { n: 4 }, in: { n: 5 } },
  { where: 'n = $1', params: { '1': '7' }, out: { n: 8 }, in: { n: 7 } },
  {
    where: 'big = $1',
    params: { '1': '9007199254740993' },
    out: { big: '9007199254740992' },
    in: { big: '9007199254740993' },
  },
  { where: 'amount > 1.5', out: { amount: '1.50' }, in: { amount: '1.500001' } },
  { where: 'n IN (1, 2)', out: { n: 3 }, in: { n: 2 } },
  { where: 'n NOT IN (1, 2)', out: { n: 1 }, in: { n: 3 } },
  { where: 't IS NULL', out: { t: 'x' }, in: { t: null } },
  { where: 't IS NOT NULL', out: { t: null }, in: { t: 'x' } },
  { where: 'f', out: { f: false }, in: { f: true } },
  { where: 'f = $1', params: { '1': 'true' }, out: { f: false }, in: { f: true } },
  { where: 'f IS TRUE', out: { f: null }, in: { f: true } },
  { where: 'f IS NOT TRUE', out: { f: true }, in: { f: null } },
  { where: 'f IS FALSE', out: { f: true }, in: { f: false } },
  { where: 'f IS NOT FALSE', out: { f: false }, in: { f: null } },
  { where: 'NOT f', out: { f: true }, in: { f: false } },
  { where: "t LIKE 'ab%'", out: { t: 'xab' }, in: { t: 'abc' } },
  { where: "t NOT LIKE 'ab%'", out: { t: 'abc' }, in: { t: 'xab' } },
  { where: "t ILIKE 'AB_'", out: { t: 'abcd' }, in: { t: 'aBc' } },
  { where: "t NOT ILIKE 'ab%'", out: { t: 'ABx' }, in: { t: 'xab' } },
  { where: 'n BETWEEN 1 AND 3', out: { n: 4 }, in: { n: 3 } },
  { where: 'n NOT BETWEEN 1 AND 3', out: { n: 2 }, in: { n: 0 } },
  { where: "n = 1 AND t = 'x'", out: { n: 1, t: 'y' }, in: { n: 1, t: 'x' } },
  { where: "n = 1 OR t = 'x'", out: { n: 2, t: 'y' }, in: { n: 2, t: 'x' } },
  { where: 'NOT (n = 1)', out: { n: 1 }, in: { n: 2 } },
  { where: "n::text = '12'", out: { n: 1 }, in: { n: 12 } },
  {
    where: 'u = $1',
    params: { '1': '0000000A-0000-4000-8000-000000000000' },
    out: { u: null },
    in: { u: '0000000a-0000-4000-8000-000000000000' },
  },
  {
    where: "at > '2024-01-01 00:00:00+02'::timestamptz",
    out: { at: '2023-12-31 22:00:00+00' },
    in: { at: '2023-12-31 22:00:01+00' },
  },
  { where: "day = '2024-02-29'", out: { day: '2024-03-01' }, in: { day: '2024-02-29' } },
  { where: "mood > 'ok'", out: { mood: 'ok' }, in: { mood: 'happy' } },
  { where: "code = 'ab'", out: { code: 'abc' }, in: { code: 'ab' } },
];

const set = (values: Record<string, unknown>, from: number) => ({
  sql: Object.keys(values)
    .map((k, i) => `${k} = $${i + from}`)
    .join(', '),
  values: Object.values(values),
});

describe('move-in and move-out for each operator', () => {
  it.each(CASES.map((c, i) => [c.where, c, i] as const))('%s', async (_name, c, id) => {
    const cols = Object.keys(c.out);
    await t.db.pool.query(
      `INSERT INTO live_items (id, ${cols.join(', ')}) VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')})`,
      [id, ...Object.values(c.out)],
    );
    // Each case watches its own row; `AND id = …` keeps the others out of its shape.
    const f = follow<Row>(`${t.url}/v1/shape`, {
      table: 'live_items',
      where: `(${c.where}) AND id = ${id}`,
      ...Object.fromEntries(Object.entries(c.params ?? {}).map(([k, v]) => [`params[${k}]`, v])),
    });
    await f.until(() => true, 10_000, 'snapshot');
    expect(f.rows(), 'outside at first').toEqual([]);

    const moveIn = set(c.in, 2);
    await t.db.pool.query(`UPDATE live_items SET ${moveIn.sql} WHERE id = $1`, [id, ...moveIn.values]);
    await f.until(() => f.rows().length === 1, 10_000, 'move-in');
    const out = set(c.out, 2);
    await t.db.pool.query(`UPDATE live_items SET ${out.sql} WHERE id = $1`, [id, ...out.values]);
    await f.until(() => f.rows().length === 0, 10_000, 'move-out');
    // And a row deleted while inside leaves too (REPLICA IDENTITY FULL gives its old values).
    await t.db.pool.query(`UPDATE live_items SET ${moveIn.sql} WHERE id = $1`, [id, ...moveIn.values]);
    await f.until(() => f.rows().length === 1, 10_000, 'move-in again');
    await t.db.pool.query(`DELETE FROM live_items WHERE id = $1`, [id]);
    await f.until(() => f.rows().length === 0, 10_000, 'delete');

    expect(changes(f.messages).map((m) => m.headers.operation)).toEqual([
      'insert',
      'delete',
      'insert',
      'delete',
    ]);
    expect(f.errors).toEqual([]);
    f.stop();
  });
});
