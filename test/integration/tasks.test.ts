import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { withFixtures, type RestApp } from '../support/fixtures';
import { expectProblem, makeBoard, makeTask, type BoardFixture, type Http } from '../support/rest';

const it = withFixtures();
let t: RestApp;
let http: Http;
let b: BoardFixture;
it.beforeAll(async ({ app, http: h }) => {
  t = app;
  http = h;
  b = await makeBoard(http, 'Tasks');
});

const todo = () => b.columns[0]!.id;
const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((x) => x.title);

describe('tasks: create, get, update, delete', () => {
  it('creates a task with defaults, reads it back and lists it', async () => {
    const res = await http.post(`/api/boards/${b.id}/tasks`, { columnId: todo(), title: ' Write docs ' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      board_id: b.id,
      column_id: todo(),
      title: 'Write docs',
      description: '',
      priority: 'none',
      model: null,
      agent_status: 'idle',
      agent_status_message: null,
    });
    expect(typeof res.body.txid).toBe('number');
    const got = await http.get(`/api/tasks/${res.body.data.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(res.body.data);
  });

  it('creates with every optional field', async () => {
    const res = await http.post(`/api/boards/${b.id}/tasks`, {
      id: randomUUID(),
      columnId: b.columns[1]!.id,
      title: 'Full',
      description: 'línea\n✓ 🚀',
      priority: 'urgent',
      model: 'demo',
      placement: { index: 0 },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ description: 'línea\n✓ 🚀', priority: 'urgent', model: 'demo' });
  });

  it('updates only the given fields', async () => {
    const task = await makeTask(http, b.id, todo(), 'Edit me', { description: 'keep', model: 'demo' });
    const res = await http.patch(`/api/tasks/${task.id}`, { title: 'Edited', priority: 'high', model: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      title: 'Edited',
      priority: 'high',
      model: null,
      description: 'keep',
    });
    expect(typeof res.body.txid).toBe('number');
    expect((await http.get(`/api/tasks/${task.id}`)).body.data.title).toBe('Edited');
  });

  it('deletes a task', async () => {
    const task = await makeTask(http, b.id, todo(), 'Delete me');
    const res = await http.del(`/api/tasks/${task.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: task.id });
    expectProblem(await http.get(`/api/tasks/${task.id}`), 404);
    expectProblem(await http.del(`/api/tasks/${task.id}`), 404);
  });

  it('answers a retried create with the same client id idempotently, a different one with 409', async () => {
    const id = randomUUID();
    const body = { id, columnId: todo(), title: 'Retry' };
    const [first, again] = await Promise.all([
      http.post(`/api/boards/${b.id}/tasks`, body),
      http.post(`/api/boards/${b.id}/tasks`, body),
    ]);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    const third = await http.post(`/api/boards/${b.id}/tasks`, body);
    expect(third.body).toEqual(first.body);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM tasks WHERE id = $1', [id]);
    expect(rows[0].n).toBe(1);
    expectProblem(await http.post(`/api/boards/${b.id}/tasks`, { ...body, title: 'Other' }), 409);
  });
});

describe('tasks: list filters', () => {
  it('filters by column, priority, agent status and text, and limits', async () => {
    const board = await makeBoard(http, 'Filters');
    const [c0, c1] = [board.columns[0]!.id, board.columns[1]!.id];
    await makeTask(http, board.id, c0, 'alpha', { priority: 'high' });
    await makeTask(http, board.id, c0, 'beta 100%', { priority: 'low', description: 'under_score' });
    const g = await makeTask(http, board.id, c1, 'gamma', { priority: 'high' });
    await t.db.pool.query(`UPDATE tasks SET agent_status = 'error' WHERE id = $1`, [g.id]);
    const base = `/api/boards/${board.id}/tasks`;
    expect(titles(await http.get(base))).toEqual(['alpha', 'beta 100%', 'gamma']);
    expect(titles(await http.get(`${base}?column=${c1}`))).toEqual(['gamma']);
    expect(titles(await http.get(`${base}?priority=high`))).toEqual(['alpha', 'gamma']);
    expect(titles(await http.get(`${base}?agentStatus=error`))).toEqual(['gamma']);
    expect(titles(await http.get(`${base}?q=ALPHA`))).toEqual(['alpha']);
    // LIKE wildcards in q are literal characters.
    expect(titles(await http.get(`${base}?q=${encodeURIComponent('%')}`))).toEqual(['beta 100%']);
    expect(titles(await http.get(`${base}?q=_`))).toEqual(['beta 100%']);
    expect(titles(await http.get(`${base}?limit=2`))).toEqual(['alpha', 'beta 100%']);
    expect(titles(await http.get(`${base}?priority=high&column=${c0}`))).toEqual(['alpha']);
  });

  it('rejects bad filters naming them', async () => {
    const base = `/api/boards/${b.id}/tasks`;
    expectProblem(await http.get(`${base}?column=x`), 400, 'query.column');
    expectProblem(await http.get(`${base}?priority=huge`), 400, 'query.priority');
    expectProblem(await http.get(`${base}?agentStatus=asleep`), 400, 'query.agentStatus');
    expectProblem(await http.get(`${base}?limit=0`), 400, 'query.limit');
    expectProblem(await http.get(`${base}?limit=abc`), 400, 'query.limit');
    expectProblem(await http.get(`${base}?q=${'x'.repeat(201)}`), 400, 'query.q');
    expectProblem(await http.get(`${base}?priority=low&priority=high`), 400, 'query.priority');
    expectProblem(await http.get(`${base}?sort=title`), 400, 'query');
    expectProblem(await http.get(`/api/boards/${randomUUID()}/tasks`), 404);
    expectProblem(await http.get('/api/boards/nope/tasks'), 400, 'path.id');
  });
});

describe('tasks: validation and unknown ids', () => {
  it('rejects every invalid create field and writes nothing', async () => {
    const before = (await t.db.pool.query('SELECT count(*)::int AS n FROM tasks')).rows[0].n;
    const p = `/api/boards/${b.id}/tasks`;
    const ok = { columnId: todo(), title: 'x' };
    expectProblem(await http.post(p, { title: 'x' }), 400, 'body.columnId');
    expectProblem(await http.post(p, { ...ok, columnId: 'c1' }), 400, 'body.columnId');
    expectProblem(await http.post(p, { ...ok, title: '' }), 400, 'body.title');
    expectProblem(await http.post(p, { ...ok, title: 'x'.repeat(501) }), 400, 'body.title');
    expectProblem(await http.post(p, { ...ok, title: null }), 400, 'body.title');
    expectProblem(await http.post(p, { ...ok, description: 'd'.repeat(20_001) }), 400, 'body.description');
    expectProblem(await http.post(p, { ...ok, description: 5 }), 400, 'body.description');
    expectProblem(await http.post(p, { ...ok, priority: 'p0' }), 400, 'body.priority');
    expectProblem(await http.post(p, { ...ok, model: '' }), 400, 'body.model');
    expectProblem(await http.post(p, { ...ok, id: 42 }), 400, 'body.id');
    expectProblem(await http.post(p, { ...ok, agent_status: 'error' }), 400, 'body');
    expectProblem(await http.post(p, { ...ok, placement: { afterId: 'x' } }), 400, 'body.placement.afterId');
    expectProblem(await http.post(p, { ...ok, placement: { afterId: randomUUID() } }), 400);
    expectProblem(await http.post(p, [ok]), 400, 'body');
    // A column of another board is a bad request; an unknown column is a 404.
    const other = await makeBoard(http, 'Elsewhere');
    expectProblem(await http.post(p, { ...ok, columnId: other.columns[0]!.id }), 400);
    expectProblem(await http.post(p, { ...ok, columnId: randomUUID() }), 404);
    expectProblem(await http.post(`/api/boards/${randomUUID()}/tasks`, ok), 404);
    expectProblem(await http.post('/api/boards/nope/tasks', ok), 400, 'path.id');
    const after = (await t.db.pool.query('SELECT count(*)::int AS n FROM tasks')).rows[0].n;
    expect(after).toBe(before);
  });

  it('rejects invalid updates naming the field', async () => {
    const task = await makeTask(http, b.id, todo(), 'Guarded');
    const p = `/api/tasks/${task.id}`;
    expectProblem(await http.patch(p, {}), 400, 'body');
    expectProblem(await http.patch(p, { title: ' ' }), 400, 'body.title');
    expectProblem(await http.patch(p, { priority: 3 }), 400, 'body.priority');
    expectProblem(await http.patch(p, { columnId: todo() }), 400, 'body');
    expectProblem(await http.patch(p, { model: 'm'.repeat(201) }), 400, 'body.model');
    expect((await http.get(p)).body.data.title).toBe('Guarded');
  });

  it('404s unknown task ids and 400s malformed ones on every route', async () => {
    const u = randomUUID();
    expectProblem(await http.get(`/api/tasks/${u}`), 404);
    expectProblem(await http.patch(`/api/tasks/${u}`, { title: 'x' }), 404);
    expectProblem(await http.post(`/api/tasks/${u}/move`, { columnId: todo() }), 404);
    expectProblem(await http.del(`/api/tasks/${u}`), 404);
    expectProblem(await http.get('/api/tasks/123'), 400, 'path.id');
    expectProblem(await http.patch('/api/tasks/123', { title: 'x' }), 400, 'path.id');
    expectProblem(await http.post('/api/tasks/123/move', { columnId: todo() }), 400, 'path.id');
    expectProblem(await http.del('/api/tasks/123'), 400, 'path.id');
  });
});

describe('tasks: concurrent creates', () => {
  // The create is one statement (migrations/0061): its neighbour read must come after the column
  // lock, or concurrent appends read the same last key and all but one clash.
  it('twenty concurrent appends to one column all land, in distinct keys after the existing task', async () => {
    const board = await makeBoard(http, 'Appends');
    const col = board.columns[0]!.id;
    const first = await makeTask(http, board.id, col, 'first');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http.post(`/api/boards/${board.id}/tasks`, { columnId: col, title: `c${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const keys = results.map((r) => r.body.data.position as string);
    expect(new Set(keys).size).toBe(20);
    for (const k of keys) expect(k > first.position).toBe(true);
  });
});
