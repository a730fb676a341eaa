import { describe, expect, test as it } from '../support/fixtures';
import { api } from '../support/http';
import { signUp } from '../support/auth';
import { expectProblem, makeBoard, makeTask } from '../support/rest';
import type { Http } from '../support/rest';

// The activity entries of every command that changes a task, written in the same transaction
// (same xid) as the change, by whom, and nothing for a change that changed nothing.

const activity = async (http: Http, taskId: string) =>
  (await http.get(`/api/tasks/${taskId}/activity`)).body.data as {
    kind: string;
    data: Record<string, unknown>;
    actor_name: string | null;
    actor_id: string | null;
  }[];

describe('task activity', () => {
  it('records created, moved, edited, assigned, labelled, due, archived and restored', async ({
    http,
    app,
  }) => {
    const b = await makeBoard(http, 'History');
    const other = await makeBoard(http, 'Other board');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Tracked');
    const label = (await http.post(`/api/boards/${b.id}/labels`, { name: 'Bug', color: '#ef4444' })).body
      .data;
    await http.post(`/api/tasks/${t.id}/move`, { columnId: b.columns[1]!.id });
    await http.post(`/api/tasks/${t.id}/move`, { columnId: b.columns[1]!.id, placement: { index: 0 } }); // no move
    await http.patch(`/api/tasks/${t.id}`, {
      title: 'Tracked task',
      priority: 'high',
      description: 'Long text',
    });
    await http.patch(`/api/tasks/${t.id}`, { title: 'Tracked task' }); // nothing changed
    await http.patch(`/api/tasks/${t.id}`, { assigneeIds: [app.owner.userId] });
    await http.patch(`/api/tasks/${t.id}`, { labelIds: [label.id] });
    await http.patch(`/api/tasks/${t.id}`, { dueDate: '2026-12-31' });
    await http.post(`/api/tasks/${t.id}/archive`);
    await http.post(`/api/tasks/${t.id}/archive`); // already archived
    await http.post(`/api/tasks/${t.id}/restore`);
    await http.post(`/api/tasks/${t.id}/move`, { columnId: other.columns[0]!.id });
    const rows = await activity(http, t.id);
    expect(rows.map((r) => r.kind)).toEqual([
      'created',
      'moved',
      'edited',
      'assigned',
      'labelled',
      'due',
      'archived',
      'restored',
      'moved',
    ]);
    expect(rows.every((r) => r.actor_id === app.owner.userId && r.actor_name === app.owner.name)).toBe(true);
    expect(rows[0]!.data).toEqual({ columnId: b.columns[0]!.id });
    expect(rows[1]!.data).toEqual({ fromColumnId: b.columns[0]!.id, toColumnId: b.columns[1]!.id });
    expect(rows[2]!.data).toEqual({
      fields: ['title', 'description', 'priority'],
      title: 'Tracked task',
      priority: 'high',
    });
    expect(rows[3]!.data).toEqual({ assigneeIds: [app.owner.userId] });
    expect(rows[4]!.data).toEqual({ labelIds: [label.id] });
    expect(rows[5]!.data).toEqual({ dueDate: '2026-12-31' });
    expect(rows[8]!.data).toMatchObject({ fromBoardId: b.id, toBoardId: other.id });
  });

  it('writes each entry in the transaction of its change', async ({ http, app }) => {
    const b = await makeBoard(http, 'Same xid');
    const created = await http.post(`/api/boards/${b.id}/tasks`, { columnId: b.columns[0]!.id, title: 'x' });
    const edit = await http.patch(`/api/tasks/${created.body.data.id}`, { title: 'y' });
    const { rows } = await app.db.pool.query<{ kind: string; xmin: string }>(
      'SELECT kind, xmin::text FROM task_activity WHERE task_id = $1 ORDER BY created_at',
      [created.body.data.id],
    );
    expect(rows.map((r) => [r.kind, Number(r.xmin)])).toEqual([
      ['created', created.body.txid],
      ['edited', edit.body.txid],
    ]);
  });

  it('records the agent: a question asked and the reply’s end', async ({ agentApp }) => {
    const http = agentApp.http;
    const b = await makeBoard(http, 'Agent history');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Ask');
    const posted = await http.post(`/api/tasks/${t.id}/messages`, { content: 'hello' });
    const replyId = posted.body.data.assistant.id as string;
    await http.post(`/api/messages/${replyId}/cancel`);
    await expect
      .poll(async () => (await activity(http, t.id)).map((r) => r.kind), { timeout: 20_000 })
      .toEqual(['created', 'asked', 'agent-replied']);
    const rows = await activity(http, t.id);
    expect(rows[1]!.data).toEqual({ messageId: posted.body.data.user.id });
    expect(rows[2]).toMatchObject({ actor_id: null, data: { messageId: replyId, status: 'cancelled' } });
  });

  it('is a task’s: unknown ids 404, bad ids 400, non-members 404', async ({ http, app }) => {
    const b = await makeBoard(http, 'Private history');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Hidden');
    expectProblem(await http.get(`/api/tasks/${crypto.randomUUID()}/activity`), 404);
    expectProblem(await http.get(`/api/tasks/nope/activity`), 400, 'path.id');
    const stranger = api(app.url, (await signUp(app.url)).headers);
    expectProblem(await stranger.get(`/api/tasks/${t.id}/activity`), 404);
  });
});
