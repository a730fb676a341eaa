import { describe, expect } from 'vitest';
import { withFixtures, type RestApp } from '../support/fixtures';
import { makeBoard, makeTask, type BoardFixture, type Http } from '../support/rest';

// The txid every write answers must be the xid of the transaction that wrote the row: the
// client waits for exactly that number in the shape stream. For creates, updates and moves the
// row's xmin is that xid. A deleted row has no visible version left, so a test-only trigger
// (in this test's own database) records the xid of every deleting transaction.

const it = withFixtures();
let t: RestApp;
let http: Http;
let b: BoardFixture;
it.beforeAll(async ({ app, http: h }) => {
  t = app;
  http = h;
  await t.db.pool.query(`
    CREATE TABLE test_delete_audit (tbl text, id uuid, xid text);
    CREATE FUNCTION test_audit_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO test_delete_audit VALUES (TG_TABLE_NAME, OLD.id, pg_current_xact_id()::xid::text);
      RETURN OLD;
    END $$;
    CREATE TRIGGER audit_boards AFTER DELETE ON boards FOR EACH ROW EXECUTE FUNCTION test_audit_delete();
    CREATE TRIGGER audit_columns AFTER DELETE ON columns FOR EACH ROW EXECUTE FUNCTION test_audit_delete();
    CREATE TRIGGER audit_tasks AFTER DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION test_audit_delete();`);
  b = await makeBoard(http, 'Txids');
});

const xmin = async (table: string, id: string) =>
  Number((await t.db.pool.query(`SELECT xmin::text AS x FROM ${table} WHERE id = $1`, [id])).rows[0].x);

const deletedBy = async (table: string, id: string) =>
  (
    await t.db.pool.query('SELECT xid FROM test_delete_audit WHERE tbl = $1 AND id = $2', [table, id])
  ).rows.map((r: { xid: string }) => Number(r.xid));

const expectTxid = (res: { status: number; body: { txid: unknown } }) => {
  expect(res.status).toBeLessThan(300);
  expect(Number.isInteger(res.body.txid)).toBe(true);
  return res.body.txid as number;
};

describe('txid equals the xid that wrote the row', () => {
  it('board create, rename, delete', async () => {
    const c = await http.post('/api/boards', { name: 'X' });
    expect(expectTxid(c)).toBe(await xmin('boards', c.body.data.id));
    expect(await xmin('columns', c.body.data.columns[0].id)).toBe(c.body.txid);
    const u = await http.patch(`/api/boards/${c.body.data.id}`, {
      name: 'Y',
      settings: { defaultModel: 'demo' },
    });
    expect(expectTxid(u)).toBe(await xmin('boards', c.body.data.id));
    expect(u.body.txid).not.toBe(c.body.txid);
    const d = await http.del(`/api/boards/${c.body.data.id}`);
    expect(await deletedBy('boards', c.body.data.id)).toEqual([expectTxid(d)]);
    // The cascaded column deletes ran in that same transaction.
    expect(await deletedBy('columns', c.body.data.columns[0].id)).toEqual([d.body.txid]);
  });

  it('column create, rename, move, delete', async () => {
    const c = await http.post(`/api/boards/${b.id}/columns`, { name: 'New' });
    const id = c.body.data.id as string;
    expect(expectTxid(c)).toBe(await xmin('columns', id));
    const u = await http.patch(`/api/columns/${id}`, { name: 'Renamed' });
    expect(expectTxid(u)).toBe(await xmin('columns', id));
    const m = await http.post(`/api/columns/${id}/move`, { placement: { index: 0 } });
    expect(expectTxid(m)).toBe(await xmin('columns', id));
    const task = await makeTask(http, b.id, id, 'moved out on delete');
    const d = await http.del(`/api/columns/${id}?moveTasksTo=${b.columns[0]!.id}`);
    expect(await deletedBy('columns', id)).toEqual([expectTxid(d)]);
    expect(await xmin('tasks', task.id)).toBe(d.body.txid);
  });

  it('task create, update, move, delete, and the idempotent replay', async () => {
    const id = crypto.randomUUID();
    const c = await http.post(`/api/boards/${b.id}/tasks`, { id, columnId: b.columns[0]!.id, title: 'T' });
    expect(expectTxid(c)).toBe(await xmin('tasks', id));
    const replay = await http.post(`/api/boards/${b.id}/tasks`, {
      id,
      columnId: b.columns[0]!.id,
      title: 'T',
    });
    expect(replay.body.txid).toBe(c.body.txid);
    const u = await http.patch(`/api/tasks/${id}`, { description: 'more' });
    expect(expectTxid(u)).toBe(await xmin('tasks', id));
    const m = await http.post(`/api/tasks/${id}/move`, { columnId: b.columns[1]!.id });
    expect(expectTxid(m)).toBe(await xmin('tasks', id));
    const d = await http.del(`/api/tasks/${id}`);
    expect(await deletedBy('tasks', id)).toEqual([expectTxid(d)]);
    // Every write was its own transaction.
    expect(new Set([c.body.txid, u.body.txid, m.body.txid, d.body.txid]).size).toBe(4);
  });

  it('a task deleted with its column (deleteTasks=true) shares the column delete’s txid', async () => {
    const col = (await http.post(`/api/boards/${b.id}/columns`, { name: 'Gone' })).body.data.id as string;
    const task = await makeTask(http, b.id, col, 'gone too');
    const d = await http.del(`/api/columns/${col}?deleteTasks=true`);
    expect(await deletedBy('tasks', task.id)).toEqual([expectTxid(d)]);
    expect(await deletedBy('columns', col)).toEqual([d.body.txid]);
  });
});
