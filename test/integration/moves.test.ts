import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { withFixtures, type RestApp } from '../support/fixtures';
import { byKey, expectProblem, makeBoard, makeTask, type Http } from '../support/rest';

const it = withFixtures();
let t: RestApp;
let http: Http;
it.beforeAll(({ app, http: h }) => {
  t = app;
  http = h;
});

type Row = { id: string; title: string; position: string };
const tasksIn = async (boardId: string, columnId: string): Promise<Row[]> =>
  (await http.get(`/api/boards/${boardId}/tasks?column=${columnId}`)).body.data;

describe('task moves', () => {
  it('moves within a column by index, after and before a neighbour', async () => {
    const b = await makeBoard(http);
    const col = b.columns[0]!.id;
    const [a, bb, c] = [
      await makeTask(http, b.id, col, 'a'),
      await makeTask(http, b.id, col, 'b'),
      await makeTask(http, b.id, col, 'c'),
    ];
    const move = (id: string, placement: object) =>
      http.post(`/api/tasks/${id}/move`, { columnId: col, placement });
    const r1 = await move(c.id, { index: 0 });
    expect(r1.status).toBe(200);
    expect(typeof r1.body.txid).toBe('number');
    expect((await tasksIn(b.id, col)).map((x) => x.title)).toEqual(['c', 'a', 'b']);
    await move(c.id, { afterId: bb.id });
    expect((await tasksIn(b.id, col)).map((x) => x.title)).toEqual(['a', 'b', 'c']);
    await move(a.id, { beforeId: c.id });
    expect((await tasksIn(b.id, col)).map((x) => x.title)).toEqual(['b', 'a', 'c']);
    await move(a.id, { afterId: null });
    expect((await tasksIn(b.id, col)).map((x) => x.title)).toEqual(['a', 'b', 'c']);
    await move(a.id, { afterId: bb.id, beforeId: c.id });
    expect((await tasksIn(b.id, col)).map((x) => x.title)).toEqual(['b', 'a', 'c']);
  });

  it('rejects bad placements and unknown targets without moving', async () => {
    const b = await makeBoard(http);
    const col = b.columns[0]!.id;
    const a = await makeTask(http, b.id, col, 'a');
    const z = await makeTask(http, b.id, col, 'z');
    const p = `/api/tasks/${a.id}/move`;
    expectProblem(await http.post(p, { columnId: col, placement: { afterId: z.id, beforeId: a.id } }), 400);
    expectProblem(await http.post(p, { columnId: col, placement: { afterId: a.id } }), 400);
    expectProblem(await http.post(p, { columnId: col, placement: { afterId: randomUUID() } }), 400);
    expectProblem(
      await http.post(p, { columnId: col, placement: { index: 1.5 } }),
      400,
      'body.placement.index',
    );
    expectProblem(await http.post(p, { placement: { index: 0 } }), 400, 'body.columnId');
    expectProblem(await http.post(p, { columnId: randomUUID() }), 404);
    expectProblem(await http.post(p, { columnId: col, boardId: b.id }), 400, 'body');
    expect((await tasksIn(b.id, col)).map((x) => x.title)).toEqual(['a', 'z']);
  });

  it('moves a task to another board: board_id changes and its messages follow', async () => {
    const from = await makeBoard(http, 'From');
    const to = await makeBoard(http, 'To');
    const task = await makeTask(http, from.id, from.columns[0]!.id, 'traveller');
    await t.db.pool.query(
      `INSERT INTO messages (task_id, role, content) VALUES ($1, 'user', 'hi'), ($1, 'assistant', 'hello')`,
      [task.id],
    );
    const res = await http.post(`/api/tasks/${task.id}/move`, { columnId: to.columns[2]!.id });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ board_id: to.id, column_id: to.columns[2]!.id });
    const { rows } = await t.db.pool.query('SELECT DISTINCT board_id FROM messages WHERE task_id = $1', [
      task.id,
    ]);
    expect(rows).toEqual([{ board_id: to.id }]);
    expect((await http.get(`/api/boards/${from.id}/tasks`)).body.data).toEqual([]);
  });

  it('twenty concurrent moves into the same gap get distinct keys between the neighbours', async () => {
    const b = await makeBoard(http);
    const [src, dst] = [b.columns[0]!.id, b.columns[1]!.id];
    const left = await makeTask(http, b.id, dst, 'left');
    const right = await makeTask(http, b.id, dst, 'right');
    const movers = [];
    for (let i = 0; i < 20; i++) movers.push(await makeTask(http, b.id, src, `m${i}`));
    const results = await Promise.all(
      movers.map((m) =>
        http.post(`/api/tasks/${m.id}/move`, {
          columnId: dst,
          placement: { afterId: left.id, beforeId: right.id },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const keys = results.map((r) => r.body.data.position as string);
    expect(new Set(keys).size).toBe(20);
    const final = await tasksIn(b.id, dst);
    expect(final).toHaveLength(22);
    expect(final[0]!.id).toBe(left.id);
    expect(final.at(-1)!.id).toBe(right.id);
    // The listed order is the key order, and every answered key is the one stored.
    const stored = final.map((x) => x.position);
    expect([...stored].sort(byKey)).toEqual(stored);
    for (const r of results)
      expect(final.find((x) => x.id === r.body.data.id)!.position).toBe(r.body.data.position);
    for (const k of keys) expect(k > left.position && k < right.position).toBe(true);
  });
});

describe('column reorders', () => {
  it('moves a column by index and by neighbours', async () => {
    const b = await makeBoard(http, 'R', ['A', 'B', 'C']);
    const [a, , c] = b.columns;
    const res = await http.post(`/api/columns/${c!.id}/move`, { placement: { index: 0 } });
    expect(res.status).toBe(200);
    expect(typeof res.body.txid).toBe('number');
    const names = async () =>
      (await http.get(`/api/boards/${b.id}/columns`)).body.data.map((x: Row & { name: string }) => x.name);
    expect(await names()).toEqual(['C', 'A', 'B']);
    await http.post(`/api/columns/${c!.id}/move`, { placement: { afterId: a!.id } });
    expect(await names()).toEqual(['A', 'C', 'B']);
    await http.post(`/api/columns/${a!.id}/move`, { placement: { index: 99 } });
    expect(await names()).toEqual(['C', 'B', 'A']);
    const other = await makeBoard(http, 'Other');
    expectProblem(
      await http.post(`/api/columns/${a!.id}/move`, { placement: { afterId: other.columns[0]!.id } }),
      400,
    );
  });

  it('concurrent reorders into the same gap get distinct keys between the neighbours', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const b = await makeBoard(http, 'Many', ['left', 'right', ...names]);
    const [left, right] = [b.columns[0]!, b.columns[1]!];
    const movers = b.columns.slice(2);
    const results = await Promise.all(
      movers.map((c) =>
        http.post(`/api/columns/${c.id}/move`, { placement: { afterId: left.id, beforeId: right.id } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(movers.length).fill(200));
    const keys = results.map((r) => r.body.data.position as string);
    expect(new Set(keys).size).toBe(movers.length);
    const final: Row[] = (await http.get(`/api/boards/${b.id}/columns`)).body.data;
    expect(final[0]!.id).toBe(left.id);
    expect(final.at(-1)!.id).toBe(right.id);
    const stored = final.map((x) => x.position);
    expect([...stored].sort(byKey)).toEqual(stored);
    for (const k of keys) expect(k > left.position && k < right.position).toBe(true);
  });
});
