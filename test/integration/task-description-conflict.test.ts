import { describe, expect } from 'vitest';
import { descriptionETag } from '@kanban/shared';
import { withFixtures } from '../support/fixtures';
import { expectProblem, makeBoard, makeTask, type BoardFixture, type Http } from '../support/rest';

// A description saved with `If-Match: "<etag of the text it was edited from>"` replaces the
// stored one only if that is still the stored text; otherwise 409 and nothing changes, so
// neither person's text is lost (the editor keeps its own and shows theirs).

const it = withFixtures();
let http: Http;
let b: BoardFixture;
it.beforeAll(async ({ http: h }) => {
  http = h;
  b = await makeBoard(http, 'Description conflicts');
});

const patch = (id: string, description: string, ifMatch?: string) =>
  http.patch(`/api/tasks/${id}`, { description }, ifMatch ? { 'if-match': ifMatch } : {});

describe('conditional description saves', () => {
  it('saves when the stored text is the one it was edited from', async () => {
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Plan');
    expect((await patch(t.id, 'first', descriptionETag(''))).status).toBe(200);
    expect((await patch(t.id, 'second', descriptionETag('first'))).status).toBe(200);
    expect((await http.get(`/api/tasks/${t.id}`)).body.data.description).toBe('second');
  });

  it('refuses with 409 when someone changed it meanwhile, and keeps theirs', async () => {
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Plan');
    // Both open the empty description; A saves first.
    expect((await patch(t.id, 'A wrote this', descriptionETag(''))).status).toBe(200);
    const res = await patch(t.id, 'B wrote this', descriptionETag(''));
    const problem = expectProblem(res, 409);
    expect(problem.detail).toMatch(/changed by someone else/);
    expect((await http.get(`/api/tasks/${t.id}`)).body.data.description).toBe('A wrote this');
  });

  it('ignores changes of other fields (a title, the agent status) meanwhile', async () => {
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Plan');
    expect((await http.patch(`/api/tasks/${t.id}`, { title: 'Renamed' })).status).toBe(200);
    expect((await patch(t.id, 'still mine', descriptionETag(''))).status).toBe(200);
  });

  it('without If-Match the save is unconditional (API clients, older pages)', async () => {
    const t = await makeTask(http, b.id, b.columns[0]!.id, 'Plan');
    await patch(t.id, 'one');
    expect((await patch(t.id, 'two')).status).toBe(200);
  });
});
