import { describe, expect } from 'vitest';
import { withFixtures, type RestApp } from '../support/fixtures';
import { expectProblem, makeBoard, makeTask, type Http } from '../support/rest';

const it = withFixtures();
let t: RestApp;
let http: Http;
it.beforeAll(({ app, http: h }) => {
  t = app;
  http = h;
});

const count = async (table: string, where: string, id: string) =>
  (await t.db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where} = $1`, [id])).rows[0]
    .n as number;

const addMessage = (taskId: string) =>
  t.db.pool.query(`INSERT INTO messages (task_id, role, content) VALUES ($1, 'user', 'hello')`, [taskId]);

describe('deletes cascade as documented', () => {
  it('deleting a board removes its columns, tasks and messages, and nothing of other boards', async () => {
    const doomed = await makeBoard(http, 'Doomed');
    const kept = await makeBoard(http, 'Kept');
    for (const b of [doomed, kept]) {
      const task = await makeTask(http, b.id, b.columns[0]!.id, 'with chat');
      await addMessage(task.id);
      await makeTask(http, b.id, b.columns[1]!.id, 'plain');
    }
    const res = await http.del(`/api/boards/${doomed.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: doomed.id });
    for (const table of ['columns', 'tasks', 'messages'])
      expect(await count(table, 'board_id', doomed.id)).toBe(0);
    expect(await count('columns', 'board_id', kept.id)).toBe(4);
    expect(await count('tasks', 'board_id', kept.id)).toBe(2);
    expect(await count('messages', 'board_id', kept.id)).toBe(1);
    expectProblem(await http.get(`/api/boards/${doomed.id}`), 404);
    expectProblem(await http.del(`/api/boards/${doomed.id}`), 404);
  });

  it('deleting a task removes its messages only', async () => {
    const b = await makeBoard(http);
    const a = await makeTask(http, b.id, b.columns[0]!.id, 'a');
    const z = await makeTask(http, b.id, b.columns[0]!.id, 'z');
    await addMessage(a.id);
    await addMessage(z.id);
    expect((await http.del(`/api/tasks/${a.id}`)).status).toBe(200);
    expect(await count('messages', 'task_id', a.id)).toBe(0);
    expect(await count('messages', 'task_id', z.id)).toBe(1);
  });

  it('a message always carries its task’s board, whatever the writer passed', async () => {
    const b = await makeBoard(http);
    const other = await makeBoard(http, 'Other');
    const task = await makeTask(http, b.id, b.columns[0]!.id, 'a');
    await t.db.pool.query(`INSERT INTO messages (task_id, board_id, role) VALUES ($1, $2, 'user')`, [
      task.id,
      other.id,
    ]);
    expect(await count('messages', 'board_id', b.id)).toBe(1);
    expect(await count('messages', 'board_id', other.id)).toBe(0);
  });
});
