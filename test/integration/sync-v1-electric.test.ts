import { describe, expect } from 'vitest';
import { isChangeMessage, type Message, type Row } from '@electric-sql/client';
import { api } from '../support/http';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';

// Electric's behaviours on /v1/shape beyond syncing (issue 11 item 5): its error body, DELETE
// /v1/shape, replica=full, columns= and the JSON form of params.

const it = withFixtures({ syncEnv: { SYNC_V1_ENDPOINT: 'true', SYNC_V1_ALLOW_DELETE: 'true' } });
let t: SyncTestApp;
let http: ReturnType<typeof api>;

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  await t.db.pool.query(`
    CREATE TABLE notes (id int PRIMARY KEY, title text, body text, n int);
    ALTER TABLE notes REPLICA IDENTITY FULL;
    ALTER PUBLICATION kanban_sync ADD TABLE notes;
    INSERT INTO notes VALUES (1, 'one', 'first', 1), (2, 'two', 'second', 2);`);
});

/** Change messages from the stream (the snapshot's inserts carry no txids). */
const live = (messages: Message<Row>[]) =>
  messages.filter(isChangeMessage).filter((m) => 'txids' in m.headers);
const shape = (q: string) => http.get(`/v1/shape?${q}`);
const where = (w: string) => `table=notes&offset=-1&where=${encodeURIComponent(w)}`;

describe("Electric's error body on /v1/shape", () => {
  it('answers 400 {message, errors: {<param>: [..]}} naming the parameter', async () => {
    const cases: [string, string][] = [
      [where('title ='), 'where'],
      [where('nope = 1'), 'where'],
      [where('title = 1'), 'where'],
      [where('upper(title) = $1') + '&params[1]=x', 'where'],
      [where("title LIKE 'a\\'"), 'where'],
      [where('n = $1'), 'params'],
      [where('n = $1') + '&params[1]=x', 'where'],
      ['offset=-1', 'table'],
      ['table=notes&offset=-1&columns=title', 'columns'],
      ['table=notes&offset=-1&replica=half', 'replica'],
      ['table=notes', 'offset'],
      ['table=notes&offset=-1&params=notjson', 'params'],
    ];
    for (const [q, param] of cases) {
      const res = await shape(q);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type'), q).toMatch(/^application\/json/);
      expect(res.body.message, q).toBe('Invalid request');
      expect(Object.keys(res.body.errors), q).toEqual([param]);
      expect(res.body.errors[param][0], q).toEqual(expect.any(String));
      // Never a database text or a stack in the body
      expect(JSON.stringify(res.body), q).not.toMatch(/ at |\.ts:|SELECT|pg_|invalid input syntax/);
    }
  });

  it('keeps problem JSON on /api/*', async () => {
    const res = await http.get('/api/shapes/tasks?board=nope&offset=-1');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
  });
});

describe('parameters and columns', () => {
  it('accepts params as JSON (object or array) as well as params[n]', async () => {
    for (const p of [encodeURIComponent('{"1":"2"}'), encodeURIComponent('["2"]'), undefined]) {
      const q = where('n = $1') + (p ? `&params=${p}` : '&params[1]=2');
      const res = await shape(q);
      expect(res.status, q).toBe(200);
      expect(res.body.filter((m: { key?: string }) => m.key).map((m: { value: Row }) => m.value.id)).toEqual([
        '2',
      ]);
    }
  });

  it('serves only the selected columns, which must include the primary key', async () => {
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'notes', columns: '"id","title"', where: 'id <= 2' });
    await f.until(() => f.rows().length === 2, 10_000, 'snapshot');
    expect(f.rows().find((r) => r.id === 1)).toEqual({ id: 1, title: 'one' });
    await t.db.pool.query(`UPDATE notes SET body = 'unseen' WHERE id = 1`);
    await t.db.pool.query(`UPDATE notes SET title = 'uno' WHERE id = 1`);
    await f.until(() => f.rows().find((r) => r.id === 1)?.title === 'uno', 10_000, 'update');
    const updates = live(f.messages);
    expect(updates.map((m) => m.value)).toEqual([{ id: 1, title: 'uno' }]);
    f.stop();
  });
});

describe('replica=full', () => {
  it('sends whole rows on updates and deletes, and the changed columns’ old values', async () => {
    await t.db.pool.query(`INSERT INTO notes VALUES (30, 'thirty', 'b', 30)`);
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'notes', where: 'id = 30', replica: 'full' });
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    await t.db.pool.query(`UPDATE notes SET title = 'XXX' WHERE id = 30`);
    await f.until(() => f.rows()[0]?.title === 'XXX', 10_000, 'update');
    await t.db.pool.query(`DELETE FROM notes WHERE id = 30`);
    await f.until(() => f.rows().length === 0, 10_000, 'delete');
    const [update, del] = live(f.messages);
    expect(update!.headers.operation).toBe('update');
    expect(update!.value).toEqual({ id: 30, title: 'XXX', body: 'b', n: 30 });
    expect((update as unknown as { old_value: Row }).old_value).toEqual({ title: 'thirty' });
    expect(del!.headers.operation).toBe('delete');
    expect(del!.value).toEqual({ id: 30, title: 'XXX', body: 'b', n: 30 });
    f.stop();
  });

  it('by default an update carries the key and the changed columns, a delete the key', async () => {
    await t.db.pool.query(`INSERT INTO notes VALUES (31, 'x', 'b', 31)`);
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'notes', where: 'id = 31' });
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    await t.db.pool.query(`UPDATE notes SET title = 'y' WHERE id = 31`);
    await t.db.pool.query(`DELETE FROM notes WHERE id = 31`);
    await f.until(() => f.rows().length === 0, 10_000, 'delete');
    const [update, del] = live(f.messages);
    expect(update!.value).toEqual({ id: 31, title: 'y' });
    expect('old_value' in update!).toBe(false);
    expect(del!.value).toEqual({ id: 31 });
    f.stop();
  });
});

describe('DELETE /v1/shape', () => {
  it('drops the shape: its clients get must-refetch and resync under a new handle (202)', async () => {
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'notes', where: 'id = 1' });
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    const handle = f.stream.shapeHandle!;
    const q = `table=notes&where=${encodeURIComponent('id = 1')}`;
    expect((await http.del(`/v1/shape?${q}&handle=not-${handle}`)).status).toBe(400);
    const res = await http.del(`/v1/shape?${q}&handle=${handle}`);
    expect(res.status).toBe(202);
    await f.until(() => f.stream.shapeHandle !== handle && f.rows().length === 1, 10_000, 'resync');
    expect(f.messages.some((m) => 'control' in m.headers && m.headers.control === 'must-refetch')).toBe(true);
    f.stop();
    const gone = await http.del(`/v1/shape?table=notes&where=${encodeURIComponent('id = 999')}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: 'No existing shape found' });
  });
});
