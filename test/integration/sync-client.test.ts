import { describe, expect } from 'vitest';
import { isChangeMessage, type Row } from '@electric-sql/client';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { changes, follow } from '../support/sync-client';
import { api } from '../support/http';

// The official @electric-sql/client (ShapeStream, Shape) against the built-in shape server.

const it = withFixtures({ syncEnv: { SYNC_V1_ENDPOINT: 'true' } });
let t: SyncTestApp;
let http: ReturnType<typeof api>;
let board: string;
let column: string;

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  const b = await http.post('/api/boards', { name: 'Client' });
  board = b.body.data.id;
  column = b.body.data.columns[0].id;
});

const newTask = async (title: string) =>
  (await http.post(`/api/boards/${board}/tasks`, { columnId: column, title })).body;

// Each over long-poll and over SSE (live_sse=true), which the app's own client uses.
describe.for([false, true])('ShapeStream and Shape (SSE: %s)', (liveSse) => {
  it('syncs the snapshot, then inserts, partial updates and deletes', async () => {
    const seeded = await newTask('seeded');
    const f = follow(`${t.url}/api/shapes/tasks`, { board }, { liveSse });
    await f.until(() => f.rows().some((r) => r.id === seeded.data.id), 10_000, 'snapshot');
    expect(f.rows().find((r) => r.id === seeded.data.id)).toMatchObject({
      id: seeded.data.id,
      title: 'seeded',
      model: null,
    });

    const b = await newTask('b');
    await f.until(() => f.rows().some((r) => r.id === b.data.id), 10_000, 'insert');
    await http.patch(`/api/tasks/${b.data.id}`, { description: 'now described', priority: 'high' });
    await f.until(() => f.rows().find((r) => r.id === b.data.id)?.priority === 'high', 10_000, 'update');
    const merged = f.rows().find((r) => r.id === b.data.id)!;
    // the partial update kept the columns it did not carry
    expect(merged).toMatchObject({ title: 'b', description: 'now described', column_id: column });
    const update = changes(f.messages).find((m) => m.headers.operation === 'update')!;
    expect(Object.keys(update.value).sort()).toEqual(['description', 'id', 'priority', 'updated_at']);

    await http.del(`/api/tasks/${seeded.data.id}`);
    await f.until(() => !f.rows().some((r) => r.id === seeded.data.id), 10_000, 'delete');
    expect(f.rows().map((r) => r.id)).not.toContain(seeded.data.id);
    expect(f.errors).toEqual([]);
    f.stop();
  });

  it('resumes at an offset and receives exactly the later changes', async () => {
    const f = follow(`${t.url}/api/shapes/tasks`, { board }, { liveSse });
    await f.until(() => true, 10_000, 'first sync');
    const before = await newTask('before the cut');
    await f.until(() => f.rows().some((r) => r.id === before.data.id));
    const offset = f.stream.lastOffset;
    const handle = f.stream.shapeHandle!;
    f.stop();

    const after1 = await newTask('after 1');
    const after2 = await newTask('after 2');
    await http.patch(`/api/tasks/${after1.data.id}`, { title: 'after 1 renamed' });
    const resumed = follow(`${t.url}/api/shapes/tasks`, { board }, { offset, handle, liveSse });
    await resumed.until(
      () => changes(resumed.messages).some((m) => m.value.title === 'after 1 renamed'),
      10_000,
      'resumed changes',
    );
    const seen = changes(resumed.messages).map((m) => [m.headers.operation, m.value.id]);
    expect(seen).toEqual([
      ['insert', after1.data.id],
      ['insert', after2.data.id],
      ['update', after1.data.id],
    ]);
    const txids = changes(resumed.messages).map((m) => (m.headers as { txids?: number[] }).txids?.[0]);
    expect(txids.slice(0, 2)).toEqual([after1.txid, after2.txid]);
    resumed.stop();
  });
});

describe('value types', () => {
  // A test-only table with every type the product uses and the ones it might (bool, arrays).
  it.beforeAll(async () => {
    await t.db.pool.query(`
      CREATE TABLE sync_types (
        id uuid PRIMARY KEY, label text, n int4, big int8, flag bool, doc jsonb,
        at timestamptz, tags text[], nums int4[], grid int4[][]
      );
      ALTER TABLE sync_types REPLICA IDENTITY FULL;
      ALTER PUBLICATION kanban_sync ADD TABLE sync_types;`);
  });

  it('parses uuid, text, int, bigint, bool, jsonb, timestamptz, arrays and nulls, from snapshot and stream alike', async () => {
    const insert = `INSERT INTO sync_types VALUES ($1, 'a "quoted", text', 42, 9007199254740993, true,
      '{"x": [1, "two", null], "y": {"z": false}}', '2024-05-01 10:00:00.123456+02',
      ARRAY['p', 'q r', NULL, 'with,comma'], ARRAY[1, 2, 3], ARRAY[[1, 2], [3, 4]])`;
    await t.db.pool.query(insert, ['00000000-0000-4000-8000-000000000001']);
    await t.db.pool.query(`INSERT INTO sync_types (id, flag) VALUES ($1, false)`, [
      '00000000-0000-4000-8000-000000000003',
    ]);
    const f = follow<Row>(`${t.url}/v1/shape`, { table: 'sync_types' });
    await f.until(() => f.rows().length === 2, 10_000, 'type snapshot');
    await t.db.pool.query(insert, ['00000000-0000-4000-8000-000000000002']);
    await f.until(() => f.rows().length === 3, 10_000, 'type insert');
    const byId = new Map(f.rows().map((r) => [r.id, r]));
    const fromSnapshot = byId.get('00000000-0000-4000-8000-000000000001')!;
    const fromStream = byId.get('00000000-0000-4000-8000-000000000002')!;
    const expected = {
      label: 'a "quoted", text',
      n: 42,
      big: 9007199254740993n,
      flag: true,
      doc: { x: [1, 'two', null], y: { z: false } },
      at: '2024-05-01 08:00:00.123456+00',
      tags: ['p', 'q r', null, 'with,comma'],
      nums: [1, 2, 3],
      grid: [
        [1, 2],
        [3, 4],
      ],
    };
    expect(fromSnapshot).toEqual({ id: '00000000-0000-4000-8000-000000000001', ...expected });
    expect(fromStream).toEqual({ id: '00000000-0000-4000-8000-000000000002', ...expected });
    expect(byId.get('00000000-0000-4000-8000-000000000003')).toMatchObject({
      flag: false,
      n: null,
      tags: null,
      doc: null,
    });
    const live = f.messages.filter(isChangeMessage).at(-1)!;
    expect((live.headers as { txids?: number[] }).txids).toHaveLength(1);
    f.stop();
  });

  it('refuses where clauses outside the grammar on /v1/shape', async () => {
    const ok = await http.get(
      `/v1/shape?table=tasks&where=${encodeURIComponent('"board_id" = $1')}&params[1]=${board}&offset=-1`,
    );
    expect(ok.status).toBe(200);
    for (const where of [
      'board_id = $1 OR true',
      'board_id = 1',
      '"a" = $1; drop table x',
      'upper(title) = $1',
    ]) {
      const res = await http.get(
        `/v1/shape?table=tasks&where=${encodeURIComponent(where)}&params[1]=x&offset=-1`,
      );
      expect(res.status, where).toBe(400);
    }
    expect((await http.get('/v1/shape?table=schema_migrations&offset=-1')).status).toBe(400);
    expect(
      (await http.get(`/v1/shape?table=tasks&where=board_id%3D%241&params[1]=nope&offset=-1`)).status,
    ).toBe(400);
  });
});
