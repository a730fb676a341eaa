import { describe, expect } from 'vitest';
import { signUp } from '../support/auth';
import { withFixtures } from '../support/fixtures';
import { api } from '../support/http';
import { expectProblem, makeBoard, makeTask, type Http } from '../support/rest';
import { follow } from '../support/sync-client';

// Agents are board members (migrations/0010_agents.sql): every board has one default agent,
// owners manage them over REST, and the `agents?board=<id>` shape syncs them to viewers.

const it = withFixtures();
let http: Http;
let url: string;
it.beforeAll(({ syncApp }) => {
  url = syncApp.url;
  http = api(url);
});

describe('agents', () => {
  it('a new board has exactly one default agent, synced through its shape', async () => {
    const board = await makeBoard(http, 'Agents board');
    const list = await http.get(`/api/boards/${board.id}/agents`);
    expect(list.status).toBe(200);
    expect(list.body.data).toMatchObject([{ handle: 'agent', is_default: true, board_id: board.id }]);
    const f = follow(`${url}/api/shapes/agents`, { board: board.id });
    try {
      await f.until(() => f.rows().length === 1, 10_000, 'the default agent');
      const created = await http.post(`/api/boards/${board.id}/agents`, {
        handle: 'planner',
        name: 'Planner',
        tools: { create_tasks: 'auto', move_task: 'ask' },
      });
      expect(created.status).toBe(201);
      expect(typeof created.body.txid).toBe('number');
      await f.until(() => f.rows().some((r) => r.handle === 'planner'), 10_000, 'the new agent');
      expect(f.rows().find((r) => r.handle === 'planner')).toMatchObject({
        tools: { create_tasks: 'auto', move_task: 'ask' },
        is_default: false,
      });
    } finally {
      f.stop();
    }
  });

  it('handles are unique per board; the default moves and cannot be deleted; bad input is 4xx', async () => {
    const board = await makeBoard(http, 'Handles');
    const other = await makeBoard(http, 'Other');
    const a = await http.post(`/api/boards/${board.id}/agents`, { handle: 'writer', name: 'Writer' });
    expect(a.status).toBe(201);
    expectProblem(await http.post(`/api/boards/${board.id}/agents`, { handle: 'writer', name: 'W2' }), 409);
    // The same handle on another board is fine.
    expect((await http.post(`/api/boards/${other.id}/agents`, { handle: 'writer', name: 'W' })).status).toBe(
      201,
    );
    expectProblem(
      await http.post(`/api/boards/${board.id}/agents`, { handle: 'Bad Handle', name: 'x' }),
      400,
      'body.handle',
    );
    expectProblem(
      await http.post(`/api/boards/${board.id}/agents`, { handle: 'x', name: 'x', tools: { rm_rf: 'auto' } }),
      400,
    );
    expectProblem(await http.patch(`/api/agents/${a.body.data.id}`, {}), 400);

    const [first] = (await http.get(`/api/boards/${board.id}/agents`)).body.data;
    expectProblem(await http.del(`/api/agents/${first.id}`), 409);
    const moved = await http.patch(`/api/agents/${a.body.data.id}`, { isDefault: true, name: 'Head writer' });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ is_default: true, name: 'Head writer' });
    const after = (await http.get(`/api/boards/${board.id}/agents`)).body.data;
    expect(
      after.filter((x: { is_default: boolean }) => x.is_default).map((x: { id: string }) => x.id),
    ).toEqual([a.body.data.id]);
    expect((await http.del(`/api/agents/${first.id}`)).status).toBe(200);
    // Keeping its own handle is not a clash.
    expect((await http.patch(`/api/agents/${a.body.data.id}`, { handle: 'writer' })).status).toBe(200);
  });

  it("a task names one of its board's agents; another board's is refused", async () => {
    const board = await makeBoard(http, 'Task agents');
    const other = await makeBoard(http, 'Elsewhere');
    const task = await makeTask(http, board.id, board.columns[0]!.id, 'Plan');
    const mine = (await http.get(`/api/boards/${board.id}/agents`)).body.data[0];
    const theirs = (await http.get(`/api/boards/${other.id}/agents`)).body.data[0];
    expectProblem(await http.patch(`/api/tasks/${task.id}`, { agentId: theirs.id }), 400);
    const ok = await http.patch(`/api/tasks/${task.id}`, { agentId: mine.id });
    expect(ok.status).toBe(200);
    expect(ok.body.data.agent_id).toBe(mine.id);
  });

  it('only owners manage agents; a non-member learns nothing', async () => {
    const board = await makeBoard(http, 'Owned');
    const [agent] = (await http.get(`/api/boards/${board.id}/agents`)).body.data;
    const stranger = api(url, (await signUp(url, { name: 'Stranger' })).headers);
    expectProblem(await stranger.get(`/api/boards/${board.id}/agents`), 404);
    expectProblem(await stranger.post(`/api/boards/${board.id}/agents`, { handle: 'x', name: 'x' }), 404);
    expectProblem(await stranger.patch(`/api/agents/${agent.id}`, { name: 'mine now' }), 404);
    expectProblem(await stranger.del(`/api/agents/${agent.id}`), 404);
    expect((await http.get(`/api/boards/${board.id}/agents`)).body.data[0].name).toBe('Agent');
  });
});
