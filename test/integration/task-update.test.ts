import { describe, expect, test as it } from '../support/fixtures';
import { expectProblem, makeBoard, makeTask } from '../support/rest';

// PATCH /api/tasks/:id as one statement (migrations/0100 kanban_update_task, after the policy
// check): every kind of change in one request lands in that one transaction, the checks answer
// the same sentences, and a task that left the board the policy answered for is not edited.

describe('task update in one statement', () => {
  it('writes the row and one entry per kind of change in the xid it answers', async ({ http, app }) => {
    const b = await makeBoard(http, 'One statement');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Before');
    const label = (await http.post(`/api/boards/${b.id}/labels`, { name: 'Ops', color: '#22c55e' })).body
      .data;
    const res = await http.patch(`/api/tasks/${t.id}`, {
      title: 'After',
      description: 'text',
      assigneeIds: [app.owner.userId, app.owner.userId],
      labelIds: [label.id.toUpperCase(), label.id],
      dueDate: '2027-01-02',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      title: 'After',
      description: 'text',
      assignee_ids: [app.owner.userId],
      label_ids: [label.id],
      due_date: '2027-01-02',
      updated_by: app.owner.userId,
    });
    const { rows } = await app.db.pool.query<{ kind: string; data: unknown; xmin: string }>(
      `SELECT kind, data, xmin::text FROM task_activity WHERE task_id = $1 AND kind <> 'created'
        ORDER BY created_at`,
      [t.id],
    );
    expect(rows.map((r) => [r.kind, r.data])).toEqual([
      ['edited', { fields: ['title', 'description'], title: 'After' }],
      ['assigned', { assigneeIds: [app.owner.userId] }],
      ['labelled', { labelIds: [label.id] }],
      ['due', { dueDate: '2027-01-02' }],
    ]);
    expect(new Set(rows.map((r) => Number(r.xmin)))).toEqual(new Set([res.body.txid]));
  });

  it('refuses what is not the board’s with the sentence, changing nothing', async ({ http }) => {
    const b = await makeBoard(http, 'Checks');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Kept');
    const stranger = '00000000-0000-4000-8000-000000000001';
    const bad = await http.patch(`/api/tasks/${t.id}`, { title: 'No', labelIds: [stranger] });
    expectProblem(bad, 400);
    expect(bad.body.detail).toBe(`labelIds: ${stranger} is not a label of this board`);
    const agent = await http.patch(`/api/tasks/${t.id}`, { title: 'No', agentId: stranger });
    expect(agent.body.detail).toBe(`agentId: ${stranger} is not an agent of this board`);
    const people = await http.patch(`/api/tasks/${t.id}`, { title: 'No', assigneeIds: ['u1', 'u2'] });
    expect(people.body.detail).toBe('assigneeIds: u1, u2 are not a member of this board');
    expect((await http.get(`/api/tasks/${t.id}`)).body.data.title).toBe('Kept');
  });

  it('a task no longer on the board the policy answered for is not found, not edited', async ({
    http,
    app,
  }) => {
    const b = await makeBoard(http, 'Here');
    const other = await makeBoard(http, 'There');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Moved away');
    await http.post(`/api/tasks/${t.id}/move`, { columnId: other.columns[0]!.id });
    // As if the policy had read the task on its first board just before the move.
    const err = await app.db.pool
      .query(`SELECT * FROM kanban_update_task($1, $2, $3, 'Owner', '{"title": "x"}')`, [
        t.id,
        b.id,
        app.owner.userId,
      ])
      .catch((e: { code?: string }) => e);
    expect(err).toMatchObject({ code: 'KB404' });
    expect((await http.get(`/api/tasks/${t.id}`)).body.data.title).toBe('Moved away');
  });
});
