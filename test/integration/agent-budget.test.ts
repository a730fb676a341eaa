import { describe, expect } from 'vitest';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import type { FakeLlm, Script } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import { expectProblem } from '../support/rest';

// Tokens and cost of every model call (from the provider's usage over real HTTP), summed on the
// reply, the task and the board's month; board caps checked before the run and before each
// further model call (the fake provider's request log proves nothing was sent); the model a
// task names overrides its board's default; models the server does not offer are refused.

// $ per million tokens: cheap costs 100 in / 200 out, so 1000 in + 100 out = $0.12.
const PRICES = {
  'openai:cheap': { in: 100, out: 200 },
  'openai:dear': { in: 1000, out: 3000 },
  'openai:backup': { in: 10, out: 20 },
};
const it = withFixtures({
  agentEnv: {
    LLM_MODEL: 'cheap',
    LLM_FALLBACKS: 'openai:backup',
    LLM_MAX_ATTEMPTS: '1',
    AGENT_PRICES: JSON.stringify(PRICES),
  },
});
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

const usage = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens });
const readBoard: Script = { toolCalls: [{ name: 'read_board', args: {} }], usage: usage(1000, 100) };

async function ask(taskId: string, content: string) {
  const before = fake.requests.length;
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
  expect(res.status).toBe(201);
  const done = await waitForReply(t.db, res.body.data.assistant.id);
  return { done, id: res.body.data.assistant.id as string, requests: fake.requests.slice(before) };
}

const row = async (sql: string, id: string) => (await t.db.pool.query(sql, [id])).rows[0];
const taskSpend = (id: string) =>
  row('SELECT cost_usd::float8 AS cost, tokens_total::int AS tokens FROM tasks WHERE id = $1', id);
const monthSpend = (boardId: string) =>
  row(
    'SELECT coalesce(sum(cost_usd), 0)::float8 AS cost, coalesce(sum(calls), 0)::int AS calls FROM board_spend WHERE board_id = $1',
    boardId,
  );
const settings = (boardId: string, s: Record<string, unknown>) =>
  t.http.patch(`/api/boards/${boardId}`, { settings: s });

describe('tokens and cost', () => {
  it('are recorded per model call and summed on the reply, the task and the board month', async () => {
    const { taskId, boardId } = await createTask(t.http);
    fake.enqueue(readBoard, { text: 'The board is empty.', usage: usage(3000, 500) });
    const { done, id, requests } = await ask(taskId, 'what is on the board?');
    expect(done.status).toBe('completed');
    expect(requests).toHaveLength(2);
    const runs = await t.db.pool.query(
      'SELECT tokens_in, tokens_out, cost_estimate::float8 AS cost FROM agent_runs WHERE message_id = $1 ORDER BY attempt',
      [id],
    );
    // 1000×100 + 100×200 = $0.12; 3000×100 + 500×200 = $0.40 (per million)
    expect(runs.rows).toEqual([
      { tokens_in: 1000, tokens_out: 100, cost: 0.12 },
      { tokens_in: 3000, tokens_out: 500, cost: 0.4 },
    ]);
    expect(
      await row('SELECT tokens_in, tokens_out, cost_usd::text AS cost FROM messages WHERE id = $1', id),
    ).toEqual({
      tokens_in: 4000,
      tokens_out: 600,
      cost: '0.52',
    });
    expect(await taskSpend(taskId)).toEqual({ cost: 0.52, tokens: 4600 });

    // A second reply adds to the task; the REST row carries the sums too.
    fake.enqueue({ text: 'Still empty.', usage: usage(10, 5) });
    const second = await ask(taskId, 'and now?');
    expect(await taskSpend(taskId)).toEqual({ cost: 0.522, tokens: 4615 });
    expect(await monthSpend(boardId)).toEqual({ cost: 0.522, calls: 3 });
    const task = (await t.http.get(`/api/tasks/${taskId}`)).body.data;
    expect(task).toMatchObject({ cost_usd: '0.522', tokens_total: '4615' });
    const page = (await t.http.get(`/api/tasks/${taskId}/messages`)).body.data;
    expect(page.find((m: { id: string }) => m.id === second.id)).toMatchObject({
      tokens_in: 10,
      tokens_out: 5,
      cost_usd: '0.002',
    });
  });

  it('the trace lists the model calls and tool calls in order, with totals', async () => {
    const { taskId } = await createTask(t.http);
    fake.enqueue(readBoard, { text: 'Done.', usage: usage(3000, 500) });
    const { id } = await ask(taskId, 'look at the board');
    const res = await t.http.get(`/api/messages/${id}/trace`);
    expect(res.status).toBe(200);
    const { steps, totals } = res.body.data;
    expect(steps.map((s: { kind: string; name: string }) => `${s.kind}:${s.name}`)).toEqual([
      'model:openai:cheap',
      'tool:read_board',
      'model:openai:cheap',
    ]);
    expect(steps[1]).toMatchObject({ status: 'succeeded', ms: expect.any(Number) });
    expect(steps[0]).toMatchObject({
      status: 'succeeded',
      tokensIn: 1000,
      tokensOut: 100,
      costUsd: 0.12,
      fallback: false,
    });
    expect(steps[2]).toMatchObject({
      status: 'succeeded',
      tokensIn: 3000,
      costUsd: 0.4,
      ttftMs: expect.any(Number),
    });
    for (const s of steps) expect(s.ms).toBeGreaterThanOrEqual(0);
    expect(totals).toMatchObject({
      tokensIn: 4000,
      tokensOut: 600,
      costUsd: 0.52,
      rounds: 2,
      toolCalls: 1,
      fallbacks: 0,
    });
    expect(totals.ms).toBeGreaterThanOrEqual(0);
  });

  it('a fallback model call is marked, counted and priced at its own model', async () => {
    const { taskId } = await createTask(t.http);
    fake.enqueue({ status: 500 }, { text: 'From the backup.', usage: usage(1000, 1000) });
    const { done, id, requests } = await ask(taskId, 'hello');
    expect(done).toMatchObject({ status: 'completed', model: 'openai:backup' });
    expect(requests.map((r) => r.body.model)).toEqual(['cheap', 'backup']);
    const { steps, totals } = (await t.http.get(`/api/messages/${id}/trace`)).body.data;
    expect(steps).toMatchObject([
      { kind: 'model', name: 'openai:cheap', status: 'failed', fallback: false },
      { kind: 'model', name: 'openai:backup', status: 'succeeded', fallback: true, costUsd: 0.03 },
    ]);
    expect(totals).toMatchObject({ fallbacks: 1, rounds: 1, costUsd: 0.03 });
  });
});

describe('budgets', () => {
  it('a task over its cap is refused before any provider request; other tasks still run', async () => {
    const { taskId, boardId } = await createTask(t.http);
    expect((await settings(boardId, { taskBudgetUsd: 0.1 })).status).toBe(200);
    fake.enqueue({ text: 'First answer.', usage: usage(1000, 100) });
    expect((await ask(taskId, 'one')).done.status).toBe('completed'); // $0 spent < $0.10: runs

    const refused = await ask(taskId, 'two');
    expect(refused.requests).toHaveLength(0);
    expect(refused.done).toMatchObject({ status: 'completed' });
    expect(refused.done.content).toBe(
      'This task has used $0.12 of its $0.10 budget; no request was sent to the model. A board owner can raise it in the board settings.',
    );
    expect(await row('SELECT count(*)::int AS n FROM agent_runs WHERE message_id = $1', refused.id)).toEqual({
      n: 0,
    });
    expect(await row('SELECT agent_status FROM tasks WHERE id = $1', taskId)).toEqual({
      agent_status: 'idle',
    });

    const sameBoard = await t.http.post(`/api/boards/${boardId}/tasks`, {
      columnId: (await t.http.get(`/api/boards/${boardId}`)).body.data.columns[0].id,
      title: 'Another task',
    });
    fake.setDefault({ text: 'ok', usage: usage(1, 1) });
    expect((await ask(sameBoard.body.data.id, 'three')).requests).toHaveLength(1);

    // Raised: the next call goes through.
    await settings(boardId, { taskBudgetUsd: 1 });
    expect((await ask(taskId, 'four')).requests).toHaveLength(1);
  });

  it('a tool round that crosses the cap stops the run before the next model call', async () => {
    const { taskId, boardId } = await createTask(t.http);
    await settings(boardId, { taskBudgetUsd: 0.05 });
    fake.enqueue(readBoard); // the answer's call is never made
    const { done, requests } = await ask(taskId, 'look around');
    expect(requests).toHaveLength(1); // the tool round; the answer's call was refused
    expect(done.status).toBe('completed');
    expect(done.content).toMatch(/^This task has used \$0\.12 of its \$0\.05 budget; no request was sent/);
  });

  it("a board over its monthly cap refuses every task's reply before any provider request", async () => {
    const { taskId, boardId } = await createTask(t.http);
    await settings(boardId, { monthlyBudgetUsd: 0.1 });
    fake.enqueue({ text: 'Spent.', usage: usage(1000, 100) });
    await ask(taskId, 'spend');
    const columnId = (await t.http.get(`/api/boards/${boardId}`)).body.data.columns[0].id;
    const next = await t.http.post(`/api/boards/${boardId}/tasks`, { columnId, title: 'Next' });
    const refused = await ask(next.body.data.id, 'more');
    expect(refused.requests).toHaveLength(0);
    const month = new Date().toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(refused.done.content).toBe(
      `This board has used $0.12 of its $0.10 monthly budget for ${month}; no request was sent to the model. A board owner can raise it in the board settings.`,
    );
    // Clearing the cap (null) lifts it.
    await settings(boardId, { monthlyBudgetUsd: null });
    fake.enqueue({ text: 'Back.', usage: usage(1, 1) });
    expect((await ask(next.body.data.id, 'again')).requests).toHaveLength(1);
  });
});

describe('models', () => {
  it('GET /api/models lists the configured, fallback, priced and demo models with prices', async () => {
    const res = await t.http.get('/api/models');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: 'demo', label: expect.any(String), provider: 'demo', priceIn: 0, priceOut: 0, demo: true },
      {
        id: 'openai:cheap',
        label: 'cheap (openai)',
        provider: 'openai',
        priceIn: 100,
        priceOut: 200,
        demo: false,
      },
      {
        id: 'openai:backup',
        label: 'backup (openai)',
        provider: 'openai',
        priceIn: 10,
        priceOut: 20,
        demo: false,
      },
      {
        id: 'openai:dear',
        label: 'dear (openai)',
        provider: 'openai',
        priceIn: 1000,
        priceOut: 3000,
        demo: false,
      },
    ]);
  });

  it("the task's model overrides the board default, which overrides the configured model", async () => {
    const { taskId, boardId } = await createTask(t.http);
    expect((await settings(boardId, { defaultModel: 'openai:dear' })).status).toBe(200);
    fake.setDefault({ text: 'ok', usage: usage(1000, 0) });
    expect((await ask(taskId, 'board default')).requests.map((r) => r.body.model)).toEqual(['dear']);
    expect(await taskSpend(taskId)).toEqual({ cost: 1, tokens: 1000 }); // at dear's price

    expect((await t.http.patch(`/api/tasks/${taskId}`, { model: 'cheap' })).status).toBe(200);
    const picked = await ask(taskId, 'task model');
    expect(picked.requests.map((r) => r.body.model)).toEqual(['cheap']);
    expect(picked.done.model).toBe('openai:cheap');
  });

  it('refuses models the server does not offer, bad budgets and bad trace ids (400, nothing written)', async () => {
    const { taskId, boardId } = await createTask(t.http);
    const before = await row(
      'SELECT settings, (SELECT model FROM tasks WHERE id = $1) AS model FROM boards WHERE id = (SELECT board_id FROM tasks WHERE id = $1)',
      taskId,
    );
    expectProblem(await t.http.patch(`/api/tasks/${taskId}`, { model: 'gpt-nope' }), 400, 'body.model');
    expectProblem(
      await settings(boardId, { defaultModel: 'anthropic:claude' }),
      400,
      'body.settings.defaultModel',
    );
    expectProblem(await settings(boardId, { monthlyBudgetUsd: -1 }), 400, 'body.settings.monthlyBudgetUsd');
    expectProblem(await settings(boardId, { taskBudgetUsd: 0.001 }), 400, 'body.settings.taskBudgetUsd');
    expectProblem(await settings(boardId, { taskBudgetUsd: '5' }), 400, 'body.settings.taskBudgetUsd');
    const columnId = (await t.http.get(`/api/boards/${boardId}`)).body.data.columns[0].id;
    expectProblem(
      await t.http.post(`/api/boards/${boardId}/tasks`, { columnId, title: 'x', model: 'nope' }),
      400,
      'body.model',
    );
    expectProblem(
      await t.http.post(`/api/boards/${boardId}/agents`, { handle: 'x', name: 'X', model: 'nope' }),
      400,
      'body.model',
    );
    expect(
      await row(
        'SELECT settings, (SELECT model FROM tasks WHERE id = $1) AS model FROM boards WHERE id = (SELECT board_id FROM tasks WHERE id = $1)',
        taskId,
      ),
    ).toEqual(before);
    // Known models in any spelling the server resolves: bare (LLM_PROVIDER's) or provider:model.
    expect((await t.http.patch(`/api/tasks/${taskId}`, { model: 'openai:dear' })).status).toBe(200);
    expect((await settings(boardId, { defaultModel: 'demo', taskBudgetUsd: 12.5 })).status).toBe(200);

    expectProblem(await t.http.get('/api/messages/not-a-uuid/trace'), 400, 'path.id');
    expectProblem(await t.http.get('/api/messages/00000000-0000-4000-8000-000000000000/trace'), 404);
  });
});
