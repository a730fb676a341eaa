import { describe, expect, test as it } from '../support/fixtures';
import { api } from '../support/http';
import { signUp } from '../support/auth';
import { expectProblem, makeBoard, makeTask } from '../support/rest';

// Labels per board: CRUD with problem answers, assignment to tasks (own board only), a delete
// that takes the label off its tasks, and the gate on the labels shape.

describe('labels', () => {
  it('creates, renames, recolours and lists labels; a name is unique per board', async ({ http }) => {
    const b = await makeBoard(http, 'Labels');
    const bug = await http.post(`/api/boards/${b.id}/labels`, { name: 'Bug', color: '#EF4444' });
    expect(bug.status).toBe(201);
    expect(bug.body.data).toMatchObject({ name: 'Bug', color: '#ef4444', board_id: b.id });
    expect(typeof bug.body.txid).toBe('number');
    const dup = await http.post(`/api/boards/${b.id}/labels`, { name: 'Bug', color: '#10b981' });
    expect(expectProblem(dup, 409).detail).toBe('this board already has a label named "Bug"');
    const other = await makeBoard(http, 'Other');
    expect(
      (await http.post(`/api/boards/${other.id}/labels`, { name: 'Bug', color: '#10b981' })).status,
    ).toBe(201);
    const renamed = await http.patch(`/api/labels/${bug.body.data.id}`, { name: 'Defect', color: '#3b82f6' });
    expect(renamed.body.data).toMatchObject({ name: 'Defect', color: '#3b82f6' });
    const list = await http.get(`/api/boards/${b.id}/labels`);
    expect(list.body.data.map((l: { name: string }) => l.name)).toEqual(['Defect']);
  });

  it('refuses bad input with problem JSON', async ({ http }) => {
    const b = await makeBoard(http, 'Bad labels');
    expectProblem(
      await http.post(`/api/boards/${b.id}/labels`, { name: '', color: '#ef4444' }),
      400,
      'body.name',
    );
    expectProblem(
      await http.post(`/api/boards/${b.id}/labels`, { name: 'x', color: 'red' }),
      400,
      'body.color',
    );
    expectProblem(
      await http.post(`/api/boards/${b.id}/labels`, { name: 'x'.repeat(51), color: '#ef4444' }),
      400,
    );
    expectProblem(await http.patch(`/api/labels/${crypto.randomUUID()}`, { name: 'x' }), 404);
    expectProblem(await http.patch(`/api/labels/not-a-uuid`, { name: 'x' }), 400, 'path.id');
    expectProblem(await http.del(`/api/labels/${crypto.randomUUID()}`), 404);
  });

  it('assigns labels of the board to a task, refuses another board’s, and a delete unassigns', async ({
    http,
  }) => {
    const b = await makeBoard(http, 'Assign');
    const other = await makeBoard(http, 'Elsewhere');
    const task = await makeTask(http, b.id, b.columns[0]!.id, 'Labelled');
    const a = (await http.post(`/api/boards/${b.id}/labels`, { name: 'A', color: '#ef4444' })).body.data;
    const c = (await http.post(`/api/boards/${b.id}/labels`, { name: 'C', color: '#10b981' })).body.data;
    const foreign = (await http.post(`/api/boards/${other.id}/labels`, { name: 'F', color: '#10b981' })).body
      .data;
    const set = await http.patch(`/api/tasks/${task.id}`, { labelIds: [a.id, c.id, a.id] });
    expect(set.status).toBe(200);
    expect(set.body.data.label_ids).toEqual([a.id, c.id]);
    const refused = expectProblem(await http.patch(`/api/tasks/${task.id}`, { labelIds: [foreign.id] }), 400);
    expect(refused.detail).toContain('is not a label of this board');
    expect((await http.del(`/api/labels/${a.id}`)).status).toBe(200);
    expect((await http.get(`/api/tasks/${task.id}`)).body.data.label_ids).toEqual([c.id]);
    // moved to another board, a task leaves its board's labels behind
    await http.post(`/api/tasks/${task.id}/move`, { columnId: other.columns[0]!.id });
    expect((await http.get(`/api/tasks/${task.id}`)).body.data.label_ids).toEqual([]);
  });

  it('hides a board’s labels from non-members (the labels shape: access-shapes.test.ts)', async ({
    http,
    app,
  }) => {
    const b = await makeBoard(http, 'Private labels');
    const stranger = api(app.url, (await signUp(app.url)).headers);
    expectProblem(await stranger.get(`/api/boards/${b.id}/labels`), 404);
    expectProblem(await stranger.post(`/api/boards/${b.id}/labels`, { name: 'x', color: '#ef4444' }), 404);
  });
});
