import { describe, expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import { signUp } from '../support/auth';
import { api } from '../support/http';
import { expectProblem, makeBoard, makeTask } from '../support/rest';

// GET /api/boards/:id/load-plan: past BOARD_ON_DEMAND_CARDS non-archived cards the client loads a
// board's cards per column on demand (client/src/collections/board-data.ts).

const it = withFixtures({ env: { BOARD_ON_DEMAND_CARDS: '2', BOARD_PAGE_CARDS: '7' } });

describe('load plan', () => {
  it('says eager up to the threshold and on demand past it; archived cards do not count', async ({
    http,
  }) => {
    const b = await makeBoard(http, 'Plan');
    const col = b.columns[0]!.id;
    const plan = async () => (await http.get(`/api/boards/${b.id}/load-plan`)).body.data;
    expect(await plan()).toEqual({ cards: 0, onDemand: false, pageCards: 7 });
    await makeTask(http, b.id, col, 'one');
    await makeTask(http, b.id, b.columns[1]!.id, 'two');
    expect(await plan()).toEqual({ cards: 2, onDemand: false, pageCards: 7 });
    const three = await makeTask(http, b.id, col, 'three');
    expect(await plan()).toEqual({ cards: 3, onDemand: true, pageCards: 7 });
    await http.post(`/api/tasks/${three.id}/archive`);
    expect((await plan()).onDemand).toBe(false);
  });

  it('answers problems for a bad id, an unknown board and a non-member', async ({ http, app }) => {
    expectProblem(await http.get('/api/boards/nope/load-plan'), 400);
    const unknown = await http.get('/api/boards/00000000-0000-4000-8000-000000000000/load-plan');
    expect([403, 404]).toContain(unknown.status);
    const b = await makeBoard(http, 'Private');
    const other = api(app.url, (await signUp(app.url)).headers);
    expect([403, 404]).toContain((await other.get(`/api/boards/${b.id}/load-plan`)).status);
  });
});
