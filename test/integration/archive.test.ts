import { describe, expect, test as it } from '../support/fixtures';
import { api } from '../support/http';
import { signUp } from '../support/auth';
import { expectProblem, makeBoard, makeTask } from '../support/rest';

// Archive and restore of cards and columns: the row stays (same column, same place), only
// archived_at changes; a restored card brings its archived column back.

describe('archive', () => {
  it('archives and restores a card in place; twice is a no-op', async ({ http }) => {
    const b = await makeBoard(http, 'Archive');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Old card');
    const a = await http.post(`/api/tasks/${t.id}/archive`);
    expect(a.status).toBe(200);
    expect(a.body.data.archived_at).toEqual(expect.any(String));
    const again = await http.post(`/api/tasks/${t.id}/archive`);
    expect(again.body.data.archived_at).toBe(a.body.data.archived_at);
    const r = await http.post(`/api/tasks/${t.id}/restore`);
    expect(r.body.data).toMatchObject({ archived_at: null, column_id: t.column_id, position: t.position });
  });

  it('archives a column; restoring one of its cards restores the column too', async ({ http }) => {
    const b = await makeBoard(http, 'Archive columns');
    const col = b.columns[1]!;
    const t = await makeTask(http, b.id, col.id, 'In an archived column');
    await http.post(`/api/tasks/${t.id}/archive`);
    const a = await http.post(`/api/columns/${col.id}/archive`);
    expect(a.body.data.archived_at).toEqual(expect.any(String));
    await http.post(`/api/tasks/${t.id}/restore`);
    const cols = (await http.get(`/api/boards/${b.id}/columns`)).body.data as {
      id: string;
      archived_at: string;
    }[];
    expect(cols.find((c) => c.id === col.id)!.archived_at).toBeNull();
    await http.post(`/api/columns/${col.id}/archive`);
    const restored = await http.post(`/api/columns/${col.id}/restore`);
    expect(restored.body.data.archived_at).toBeNull();
  });

  it('answers problems for unknown ids, bad ids and non-members', async ({ http, app }) => {
    const b = await makeBoard(http, 'Archive access');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Mine');
    expectProblem(await http.post(`/api/tasks/${crypto.randomUUID()}/archive`), 404);
    expectProblem(await http.post(`/api/columns/${crypto.randomUUID()}/restore`), 404);
    expectProblem(await http.post(`/api/tasks/nope/archive`), 400, 'path.id');
    const stranger = api(app.url, (await signUp(app.url)).headers);
    expectProblem(await stranger.post(`/api/tasks/${t.id}/archive`), 404);
    expect((await http.get(`/api/tasks/${t.id}`)).body.data.archived_at).toBeNull();
  });

  it('archiving a column writes an entry on each of its cards; restoring it, another', async ({ http }) => {
    const b = await makeBoard(http, 'Archive history');
    const col = b.columns[0]!;
    const live = await makeTask(http, b.id, col.id, 'On the board');
    const own = await makeTask(http, b.id, col.id, 'Archived on its own');
    await http.post(`/api/tasks/${own.id}/archive`);
    await http.post(`/api/columns/${col.id}/archive`);
    await http.post(`/api/columns/${col.id}/archive`); // already archived: no second entry
    await http.post(`/api/columns/${col.id}/restore`);
    const kinds = async (id: string) =>
      ((await http.get(`/api/tasks/${id}/activity`)).body.data as { kind: string; data: object }[]).map(
        (a) => [a.kind, a.data],
      );
    expect(await kinds(live.id)).toEqual([
      ['created', { columnId: col.id }],
      ['archived', { columnId: col.id }],
      ['restored', { columnId: col.id }],
    ]);
    // A card archived by itself is not touched by its column's archive or restore.
    expect(await kinds(own.id)).toEqual([
      ['created', { columnId: col.id }],
      ['archived', {}],
    ]);
  });

  it('deleting a column whose only cards are archived: a 409 naming them, nothing deleted', async ({
    http,
  }) => {
    const b = await makeBoard(http, 'Archived only');
    const [col, other] = [b.columns[0]!, b.columns[1]!];
    const t = await makeTask(http, b.id, col.id, 'Hidden but kept');
    await http.post(`/api/tasks/${t.id}/archive`);
    const res = await http.del(`/api/columns/${col.id}`);
    expectProblem(res, 409);
    expect(res.body.detail).toContain('1 archived card');
    expect((await http.get(`/api/tasks/${t.id}`)).status).toBe(200);
    // Moved, the card stays archived in its new column.
    const moved = await http.del(`/api/columns/${col.id}?moveTasksTo=${other.id}`);
    expect(moved.status).toBe(200);
    expect((await http.get(`/api/tasks/${t.id}`)).body.data).toMatchObject({
      column_id: other.id,
      archived_at: expect.any(String),
    });
  });
});
