import { describe, expect, test as it } from '../support/fixtures';
import { expectProblem, makeBoard, makeTask } from '../support/rest';

// A task's due date is a calendar day: stored and answered as YYYY-MM-DD, cleared with null,
// and anything that is not a real day is a 400 naming the field.

describe('due dates', () => {
  it('sets, answers and clears a due date as a calendar day', async ({ http }) => {
    const b = await makeBoard(http, 'Due');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Ship it');
    const set = await http.patch(`/api/tasks/${t.id}`, { dueDate: '2026-12-31' });
    expect(set.status).toBe(200);
    expect(set.body.data.due_date).toBe('2026-12-31');
    expect((await http.get(`/api/tasks/${t.id}`)).body.data.due_date).toBe('2026-12-31');
    const cleared = await http.patch(`/api/tasks/${t.id}`, { dueDate: null });
    expect(cleared.body.data.due_date).toBeNull();
  });

  it('refuses what is not a real day', async ({ http }) => {
    const b = await makeBoard(http, 'Bad due');
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Bad');
    for (const dueDate of ['2026-02-30', '31/12/2026', '20255-01-01', '2026-13-01', '', 20261231]) {
      const res = expectProblem(await http.patch(`/api/tasks/${t.id}`, { dueDate }), 400, 'body.dueDate');
      expect(res.detail).not.toMatch(/postgres|syntax/i);
    }
  });
});
