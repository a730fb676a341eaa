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

const names = async (boardId: string) =>
  ((await http.get(`/api/boards/${boardId}/columns`)).body.data as { name: string }[]).map((c) => c.name);

describe('columns: create, list, rename', () => {
  it('lists a board’s columns in order', async () => {
    const b = await makeBoard(http);
    const res = await http.get(`/api/boards/${b.id}/columns`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual(b.columns.map((c) => c.id));
    const keys = res.body.data.map((c: { position: string }) => c.position);
    expect([...keys].sort(byKey)).toEqual(keys);
  });

  it('adds columns at the end, at an index, after and before a sibling', async () => {
    const b = await makeBoard(http, 'Cols', ['A', 'B']);
    const [a, bb] = b.columns;
    const end = await http.post(`/api/boards/${b.id}/columns`, { name: 'End' });
    expect(end.status).toBe(201);
    expect(end.body.data).toMatchObject({ name: 'End', board_id: b.id });
    expect(typeof end.body.txid).toBe('number');
    await http.post(`/api/boards/${b.id}/columns`, { name: 'First', placement: { index: 0 } });
    await http.post(`/api/boards/${b.id}/columns`, { name: 'AfterA', placement: { afterId: a!.id } });
    await http.post(`/api/boards/${b.id}/columns`, { name: 'BeforeB', placement: { beforeId: bb!.id } });
    await http.post(`/api/boards/${b.id}/columns`, { name: 'Start', placement: { afterId: null } });
    expect(await names(b.id)).toEqual(['Start', 'First', 'A', 'AfterA', 'BeforeB', 'B', 'End']);
  });

  it('renames a column and trims the name', async () => {
    const b = await makeBoard(http);
    const res = await http.patch(`/api/columns/${b.columns[0]!.id}`, { name: '  Backlog ' });
    expect(res.status).toBe(200);
    expect(res.body.data.name).toBe('Backlog');
    expect(typeof res.body.txid).toBe('number');
    expect((await names(b.id))[0]).toBe('Backlog');
  });

  it('rejects invalid bodies naming the field, and writes nothing', async () => {
    const b = await makeBoard(http);
    const path = `/api/boards/${b.id}/columns`;
    expectProblem(await http.post(path, { name: '' }), 400, 'body.name');
    expectProblem(await http.post(path, { name: 'x'.repeat(101) }), 400, 'body.name');
    expectProblem(await http.post(path, { name: 7 }), 400, 'body.name');
    expectProblem(await http.post(path, {}), 400, 'body.name');
    expectProblem(await http.post(path, { name: 'x', color: 'red' }), 400, 'body');
    expectProblem(await http.post(path, { name: 'x', id: 'nope' }), 400, 'body.id');
    expectProblem(
      await http.post(path, { name: 'x', placement: { index: -1 } }),
      400,
      'body.placement.index',
    );
    expectProblem(
      await http.post(path, { name: 'x', placement: { index: 0, afterId: b.columns[0]!.id } }),
      400,
    );
    expectProblem(await http.post(path, { name: 'x', placement: { afterId: randomUUID() } }), 400);
    const col = `/api/columns/${b.columns[0]!.id}`;
    expectProblem(await http.patch(col, { name: '   ' }), 400, 'body.name');
    expectProblem(await http.patch(col, {}), 400, 'body.name');
    expectProblem(await http.post(`${col}/move`, {}), 400, 'body.placement');
    expectProblem(await http.post(`${col}/move`, { placement: { index: 'a' } }), 400, 'body.placement.index');
    expect(await names(b.id)).toEqual(['Todo', 'In progress', 'Review', 'Done']);
  });

  it('404s unknown ids and 400s malformed ones', async () => {
    const u = randomUUID();
    expectProblem(await http.get(`/api/boards/${u}/columns`), 404);
    expectProblem(await http.post(`/api/boards/${u}/columns`, { name: 'x' }), 404);
    expectProblem(await http.patch(`/api/columns/${u}`, { name: 'x' }), 404);
    expectProblem(await http.post(`/api/columns/${u}/move`, { placement: { index: 0 } }), 404);
    expectProblem(await http.del(`/api/columns/${u}`), 404);
    expectProblem(await http.get('/api/boards/1/columns'), 400, 'path.id');
    expectProblem(await http.post('/api/boards/zz/columns', { name: 'x' }), 400, 'path.id');
    expectProblem(await http.patch('/api/columns/zz', { name: 'x' }), 400, 'path.id');
    expectProblem(await http.post('/api/columns/zz/move', { placement: { index: 0 } }), 400, 'path.id');
    expectProblem(await http.del('/api/columns/zz'), 400, 'path.id');
  });

  it('answers a retried create with the same client id idempotently', async () => {
    const b = await makeBoard(http);
    const id = randomUUID();
    const first = await http.post(`/api/boards/${b.id}/columns`, { id, name: 'Once' });
    const again = await http.post(`/api/boards/${b.id}/columns`, { id, name: 'Once' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM columns WHERE id = $1', [id]);
    expect(rows[0].n).toBe(1);
    expectProblem(await http.post(`/api/boards/${b.id}/columns`, { id, name: 'Other' }), 409);
  });
});

describe('columns: delete rule', () => {
  it('deletes an empty column', async () => {
    const b = await makeBoard(http);
    const res = await http.del(`/api/columns/${b.columns[3]!.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(b.columns[3]!.id);
    expect(await names(b.id)).toEqual(['Todo', 'In progress', 'Review']);
  });

  it('refuses to delete a column with tasks without a decision (409)', async () => {
    const b = await makeBoard(http);
    await makeTask(http, b.id, b.columns[0]!.id, 'keep me');
    expectProblem(await http.del(`/api/columns/${b.columns[0]!.id}`), 409);
    expectProblem(await http.del(`/api/columns/${b.columns[0]!.id}?deleteTasks=false`), 409);
    expect(await names(b.id)).toHaveLength(4);
  });

  it('moveTasksTo appends the tasks to the target column in their order', async () => {
    const b = await makeBoard(http);
    const [from, to] = [b.columns[0]!.id, b.columns[1]!.id];
    const existing = await makeTask(http, b.id, to, 'already there');
    const moved = [];
    for (const title of ['one', 'two', 'three']) moved.push(await makeTask(http, b.id, from, title));
    const res = await http.del(`/api/columns/${from}?moveTasksTo=${to}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: from, movedTasks: 3 });
    const list = await http.get(`/api/boards/${b.id}/tasks?column=${to}`);
    expect(list.body.data.map((x: { title: string }) => x.title)).toEqual([
      'already there',
      'one',
      'two',
      'three',
    ]);
    expect(list.body.data[0].id).toBe(existing.id);
    expect(await names(b.id)).not.toContain('Todo');
  });

  it('deleteTasks=true deletes the tasks and their messages', async () => {
    const b = await makeBoard(http);
    const col = b.columns[0]!.id;
    const task = await makeTask(http, b.id, col, 'doomed');
    const other = await makeTask(http, b.id, b.columns[1]!.id, 'survivor');
    await t.db.pool.query(
      `INSERT INTO messages (task_id, role, content) VALUES ($1, 'user', 'hi'), ($2, 'user', 'yo')`,
      [task.id, other.id],
    );
    const res = await http.del(`/api/columns/${col}?deleteTasks=true`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: col, deletedTasks: 1 });
    const { rows } = await t.db.pool.query(
      'SELECT (SELECT count(*) FROM tasks WHERE id = $1)::int AS t, (SELECT count(*) FROM messages WHERE task_id = $1)::int AS m, (SELECT count(*) FROM messages WHERE task_id = $2)::int AS o',
      [task.id, other.id],
    );
    expect(rows[0]).toEqual({ t: 0, m: 0, o: 1 });
  });

  it('refuses moveTasksTo a column of another board, itself, or an unknown one, changing nothing', async () => {
    const b = await makeBoard(http);
    const other = await makeBoard(http, 'Other');
    const col = b.columns[0]!.id;
    await makeTask(http, b.id, col, 'stays');
    expectProblem(await http.del(`/api/columns/${col}?moveTasksTo=${other.columns[0]!.id}`), 400);
    expectProblem(await http.del(`/api/columns/${col}?moveTasksTo=${col}`), 400);
    expectProblem(await http.del(`/api/columns/${col}?moveTasksTo=${randomUUID()}`), 404);
    expectProblem(await http.del(`/api/columns/${col}?moveTasksTo=nope`), 400, 'query.moveTasksTo');
    expectProblem(
      await http.del(`/api/columns/${col}?moveTasksTo=${b.columns[1]!.id}&deleteTasks=true`),
      400,
    );
    expectProblem(await http.del(`/api/columns/${col}?deleteTasks=yes`), 400, 'query.deleteTasks');
    expectProblem(await http.del(`/api/columns/${col}?force=1`), 400);
    // An empty column is checked the same way: a wrong target is a mistake worth reporting.
    expectProblem(
      await http.del(`/api/columns/${b.columns[3]!.id}?moveTasksTo=${other.columns[0]!.id}`),
      400,
    );
    expect(await names(b.id)).toHaveLength(4);
    const { rows } = await t.db.pool.query('SELECT column_id FROM tasks WHERE board_id = $1', [b.id]);
    expect(rows).toEqual([{ column_id: col }]);
  });

  it('columns deleted into each other at once: one wins, the other is a 404, never a 500', async () => {
    // Several pairs at once so the two deletes really interleave (each locks its own column first).
    const pairs = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const b = await makeBoard(http);
        const [x, y] = [b.columns[0]!.id, b.columns[1]!.id];
        await makeTask(http, b.id, x, 'in x');
        await makeTask(http, b.id, y, 'in y');
        return { board: b.id, x, y };
      }),
    );
    const res = await Promise.all(
      pairs.flatMap(({ x, y }) => [
        http.del(`/api/columns/${x}?moveTasksTo=${y}`),
        http.del(`/api/columns/${y}?moveTasksTo=${x}`),
      ]),
    );
    for (const [i, p] of pairs.entries()) {
      expect([res[2 * i]!.status, res[2 * i + 1]!.status].sort(), JSON.stringify(res[2 * i]!.body)).toEqual([
        200, 404,
      ]);
      const { rows } = await t.db.pool.query('SELECT DISTINCT column_id FROM tasks WHERE board_id = $1', [
        p.board,
      ]);
      expect(rows).toHaveLength(1);
    }
  });
});
