import { describe, expect } from 'vitest';
import type { Row } from '@electric-sql/client';
import { api } from '../support/http';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { changes, follow } from '../support/sync-client';

// Tables beyond the board's own, served through /v1/shape as a new user would (issue 11 item 7):
// each test here failed before its fix.

const it = withFixtures({ syncEnv: { SYNC_V1_ENDPOINT: 'true' } });
let t: SyncTestApp;
let http: ReturnType<typeof api>;

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  await t.db.pool.query(`
    CREATE SCHEMA a; CREATE SCHEMA b;
    CREATE TABLE a.items (id int PRIMARY KEY, name text);
    CREATE TABLE b.items (id int PRIMARY KEY, name text);
    CREATE TABLE flags (id int PRIMARY KEY, flag bool);
    CREATE TABLE plain (id int PRIMARY KEY, v text);
    CREATE TABLE codes (code char(4) PRIMARY KEY, label text);
    CREATE TABLE tagged (id int PRIMARY KEY, tags char(3)[], n int);
    ALTER TABLE a.items REPLICA IDENTITY FULL;
    ALTER TABLE b.items REPLICA IDENTITY FULL;
    ALTER TABLE flags REPLICA IDENTITY FULL;
    ALTER TABLE codes REPLICA IDENTITY FULL;
    ALTER TABLE tagged REPLICA IDENTITY FULL;
    ALTER PUBLICATION kanban_sync ADD TABLE a.items, b.items, flags, plain, codes, tagged;`);
});

describe('correctness beyond the board tables', () => {
  it('routes changes by schema and table: a.items never receives b.items rows', async () => {
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'a.items' });
    await f.until(() => true, 10_000, 'snapshot');
    await t.db.pool.query(`INSERT INTO b.items VALUES (1, 'from b')`);
    await t.db.pool.query(`INSERT INTO a.items VALUES (2, 'from a')`);
    await f.until(() => f.rows().some((r) => r.id === 2), 10_000, 'a.items insert');
    expect(f.rows()).toEqual([{ id: 2, name: 'from a' }]);
    expect(changes(f.messages).map((m) => m.key)).toEqual(['"a"."items"/"2"']);
    f.stop();
  });

  it('matches live changes against a boolean parameter ("flag" = $1 with true)', async () => {
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'flags', where: '"flag" = $1', 'params[1]': 'true' });
    await f.until(() => true, 10_000, 'snapshot');
    await t.db.pool.query(`INSERT INTO flags VALUES (1, false), (2, true)`);
    await f.until(() => f.rows().length > 0, 10_000, 'the true row');
    expect(f.rows()).toEqual([{ id: 2, flag: true }]);
    f.stop();
  });

  it('refuses a table without REPLICA IDENTITY FULL with a 400 that says what to run, then serves it once set', async () => {
    const res = await http.get('/v1/shape?table=plain&offset=-1');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid request');
    expect(res.body.errors.table[0]).toMatch(/REPLICA IDENTITY FULL/);
    expect(res.body.errors.table[0]).toMatch(/ALTER TABLE "public"."plain" REPLICA IDENTITY FULL/);
    await t.db.pool.query(`ALTER TABLE plain REPLICA IDENTITY FULL`);
    expect((await http.get('/v1/shape?table=plain&offset=-1')).status).toBe(200);
  });

  it('a schema change of a table outside public gives its clients the new schema after the 409', async () => {
    await t.db.pool.query(`INSERT INTO b.items VALUES (10, 'before')`);
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'b.items' });
    await f.until(() => f.rows().some((r) => r.id === 10), 10_000, 'snapshot');
    await t.db.pool.query(`ALTER TABLE b.items ADD COLUMN extra text`);
    // The relation message reaches us with the next change of the table.
    await t.db.pool.query(`INSERT INTO b.items VALUES (11, 'after', 'x')`);
    await f.until(
      () => f.rows().some((r) => r.id === 11 && r.extra === 'x'),
      10_000,
      'row with the new column',
    );
    expect(f.messages.some((m) => 'control' in m.headers && m.headers.control === 'must-refetch')).toBe(true);
    expect(f.rows().find((r) => r.id === 10)).toEqual({ id: 10, name: 'before', extra: null });
    f.stop();
  });

  it('char(n) keys are the same in the snapshot and in live changes (no ghost rows)', async () => {
    await t.db.pool.query(`INSERT INTO codes VALUES ('ab', 'first')`);
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'codes' });
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    await t.db.pool.query(`UPDATE codes SET label = 'second' WHERE code = 'ab'`);
    await f.until(() => f.rows().some((r) => r.label === 'second'), 10_000, 'update');
    expect(f.rows()).toEqual([{ code: 'ab  ', label: 'second' }]);
    await t.db.pool.query(`DELETE FROM codes WHERE code = 'ab'`);
    await f.until(() => f.rows().length === 0, 10_000, 'delete');
    f.stop();
  });

  it('char(n)[] values are the same padded arrays in the snapshot and in live changes', async () => {
    await t.db.pool.query(`INSERT INTO tagged VALUES (1, '{a,bc,NULL}', 0)`);
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'tagged', replica: 'full' });
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    await t.db.pool.query(`INSERT INTO tagged VALUES (2, '{a,bc,NULL}', 0)`);
    await t.db.pool.query(`UPDATE tagged SET n = 1 WHERE id = 1`);
    await f.until(
      () => f.rows().length === 2 && f.rows().some((r) => r.n === 1),
      10_000,
      'insert and update',
    );
    const rows = [...f.rows()].sort((x, y) => Number(x.id) - Number(y.id));
    // Postgres pads every element, in array_out as in pgoutput
    expect(rows).toEqual([
      { id: 1, tags: ['a  ', 'bc ', null], n: 1 },
      { id: 2, tags: ['a  ', 'bc ', null], n: 0 },
    ]);
    const update = changes(f.messages).find((m) => m.headers.operation === 'update')!;
    expect(update.value.tags).toEqual(['a  ', 'bc ', null]);
    f.stop();
  });

  it("GET /v1/health answers Electric's JSON, not the app's HTML", async () => {
    const res = await http.get('/v1/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body).toEqual({ status: 'active' });
  });

  it('DELETE /v1/shape is 405 unless SYNC_V1_ALLOW_DELETE is set, as Electric without allow_shape_deletion', async () => {
    const res = await http.del('/v1/shape?table=flags');
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ message: 'DELETE not allowed' });
  });
});
