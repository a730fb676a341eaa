import { describe, expect } from 'vitest';
import type { ToolCall } from '@kanban/shared';
import {
  connectSocket,
  createTask,
  subscribe,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import { api } from '../support/http';
import { signUp } from '../support/auth';
import { follow } from '../support/sync-client';
import { untilMessage } from '../support/row-events';

// Tool calls as rows (issue 10): each call the model asks for is a tool_calls row from `running`
// to its end, on REST, both shapes and the `tool.call` socket event; the reply's agent profile
// decides prompt, model settings, round limit and the tools it gets. The model is the fake
// OpenAI-compatible server scripting tool calls over HTTP.

const it = withFixtures();
let fake: FakeLlm;
let t: AgentApp;
/** The same database's app with live shapes: the "second client" follows rows through it. */
let syncUrl: string;
const sockets: ClientSocket[] = [];
it.beforeAll(({ agentApp, fakeLlm, syncApp }) => {
  t = agentApp;
  fake = fakeLlm;
  syncUrl = syncApp.url;
});
it.afterAll(() => {
  for (const s of sockets) s.disconnect();
});

async function defaultAgent(boardId: string) {
  return (await t.http.get(`/api/boards/${boardId}/agents`)).body.data[0] as { id: string };
}

async function post(taskId: string, content: string) {
  const before = fake.requests.length;
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
  expect(res.status).toBe(201);
  return { id: res.body.data.assistant.id as string, before };
}

async function ask(content: string, setup?: (ids: { taskId: string; boardId: string }) => Promise<void>) {
  const ids = await createTask(t.http);
  await setup?.(ids);
  const { id, before } = await post(ids.taskId, content);
  const done = await waitForReply(t.db, id);
  return { ...ids, done, requests: fake.requests.slice(before) };
}

const toolResults = (body: { messages: { role: string; content: string }[] }) =>
  body.messages.filter((m) => m.role === 'tool').map((m) => m.content);

const callsOf = async (taskId: string) =>
  (await t.http.get(`/api/tasks/${taskId}/tool-calls`)).body.data as ToolCall[];

const columnOf = async (taskId: string) =>
  (
    await t.db.pool.query('SELECT c.name FROM tasks t JOIN columns c ON c.id = t.column_id WHERE t.id = $1', [
      taskId,
    ])
  ).rows[0]?.name as string;

/** Waits until the reply row is in `status`. */
const untilStatus = (id: string, status: string) =>
  untilMessage(t.db.url, id, (m) => (m?.status === status ? m : undefined), 10_000, `reply ${status}`);

describe('tool calls as rows', () => {
  it('the agent moves its own task: a second client sees it in the shape; the call is a row everywhere', async () => {
    const { taskId, boardId } = await createTask(t.http);
    const done = (await t.http.get(`/api/boards/${boardId}`)).body.data.columns.find(
      (c: { name: string }) => c.name === 'Done',
    ).id as string;
    const tasks = follow(`${syncUrl}/api/shapes/tasks`, { board: boardId });
    const calls = follow(`${syncUrl}/api/shapes/tool_calls`, { task: taskId });
    const s = await connectSocket(t.url);
    sockets.push(s);
    const events: ToolCall[] = [];
    const succeeded = new Promise<ToolCall>((resolve) =>
      s.on('tool.call', (row) => (events.push(row), row.status === 'succeeded' && resolve(row))),
    );
    expect(await subscribe(s, taskId)).toEqual({ ok: true });
    try {
      await tasks.until(() => tasks.rows().some((r) => r.id === taskId), 10_000, 'the task in the shape');
      fake.enqueue(
        { toolCalls: [{ id: 'call_move', name: 'move_task', args: { column: 'Done' } }] },
        { text: 'Moved.' },
      );
      const { id } = await post(taskId, 'move this to Done');
      expect(await waitForReply(t.db, id)).toMatchObject({ status: 'completed', content: 'Moved.' });
      await tasks.until(
        () => tasks.rows().some((r) => r.id === taskId && r.column_id === done),
        10_000,
        'the move in the shape',
      );
      // While the tool ran, the card said what the agent was doing.
      const seen = tasks.messages.flatMap((m) => ('value' in m && m.value.id === taskId ? [m.value] : []));
      expect(seen).toContainEqual(
        expect.objectContaining({ agent_status: 'executing', agent_status_message: 'moving 1 card…' }),
      );
      const agent = await defaultAgent(boardId);
      const [row] = await callsOf(taskId);
      expect(row).toMatchObject({
        name: 'move_task',
        call_id: 'call_move',
        round: 1,
        status: 'succeeded',
        message_id: id,
        agent_id: agent.id,
        board_id: boardId,
        arguments: { column: 'Done' },
        error: null,
      });
      expect(row!.result_summary).toMatch(/"to":"Done"/);
      expect(row!.started_at && row!.finished_at).toBeTruthy();
      // The socket event carried the row when it started and when it ended.
      expect((await succeeded).id).toBe(row!.id);
      expect(events.map((e) => e.status)).toEqual(['running', 'succeeded']);
      await calls.until(
        () => calls.rows().some((r) => r.id === row!.id && r.status === 'succeeded'),
        10_000,
        'the row in the shape',
      );
      // The reply was written by the agent that ran the tool.
      const m = await t.db.pool.query('SELECT agent_id FROM messages WHERE id = $1', [id]);
      expect(m.rows[0].agent_id).toBe(agent.id);
    } finally {
      tasks.stop();
      calls.stop();
    }
  });

  it('three subtasks appear, each a task of the board; the call succeeded', async () => {
    fake.enqueue(
      {
        toolCalls: [
          { name: 'create_tasks', args: { tasks: [{ title: 'A' }, { title: 'B' }, { title: 'C' }] } },
        ],
      },
      { text: 'Split.' },
    );
    const { taskId, done } = await ask('split this');
    expect(done.status).toBe('completed');
    const subtasks = await t.db.pool.query('SELECT title FROM tasks WHERE parent_id = $1 ORDER BY position', [
      taskId,
    ]);
    expect(subtasks.rows.map((r) => r.title)).toEqual(['A', 'B', 'C']);
    expect(await callsOf(taskId)).toMatchObject([{ name: 'create_tasks', status: 'succeeded' }]);
  });

  it('invalid arguments: a failed row with the reason, the model reads it and the run goes on', async () => {
    fake.enqueue({ toolCalls: [{ name: 'move_task', args: { column: 42 } }] }, { text: 'Sorry.' });
    const { taskId, done, requests } = await ask('move it');
    expect(done).toMatchObject({ status: 'completed', content: 'Sorry.' });
    const [row] = await callsOf(taskId);
    expect(row).toMatchObject({ name: 'move_task', status: 'failed' });
    expect(row!.error).toMatch(/invalid arguments for move_task/);
    expect(toolResults(requests[1]!.body)[0]).toBe(row!.error);
  });

  it('a tool that fails inside (a database error) is reported as a failed call, not fatal', async () => {
    // A NUL character passes the schema but no text column can hold it: Postgres refuses the insert.
    fake.enqueue(
      { toolCalls: [{ name: 'create_tasks', args: { tasks: [{ title: 'bad\u0000title' }] } }] },
      { text: 'It failed.' },
    );
    const { taskId, done, requests } = await ask('split');
    expect(done).toMatchObject({ status: 'completed', content: 'It failed.' });
    const [row] = await callsOf(taskId);
    expect(row).toMatchObject({ status: 'failed', error: 'error: the change failed' });
    expect(toolResults(requests[1]!.body)).toEqual(['error: the change failed']);
    const n = await t.db.pool.query('SELECT count(*)::int AS n FROM tasks WHERE parent_id = $1', [taskId]);
    expect(n.rows[0].n).toBe(0);
  });

  it('the round limit ends the run with a note in the reply', async () => {
    fake.enqueue(
      { toolCalls: [{ id: 'r1', name: 'read_board', args: {} }] },
      { toolCalls: [{ id: 'r2', name: 'read_board', args: {} }] },
    );
    const { taskId, done, requests } = await ask('keep reading', async ({ boardId }) => {
      const agent = await defaultAgent(boardId);
      expect((await t.http.patch(`/api/agents/${agent.id}`, { maxRounds: 2 })).status).toBe(200);
    });
    expect(done.status).toBe('completed');
    expect(done.content).toMatch(/Stopped: this agent may call the model 2 times per reply/);
    expect(requests).toHaveLength(2);
    expect((await callsOf(taskId)).map((c) => [c.round, c.status])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
    ]);
  });

  it("another board's tasks are out of reach: update and comment fail, nothing changes", async () => {
    const other = await createTask(t.http, 'Not yours');
    const before = (await t.db.pool.query('SELECT * FROM tasks WHERE id = $1', [other.taskId])).rows[0];
    fake.enqueue(
      {
        toolCalls: [
          { id: 'u', name: 'update_task', args: { taskId: other.taskId, title: 'Hacked' } },
          { id: 'c', name: 'comment', args: { taskId: other.taskId, content: 'Hacked' } },
          { id: 'r', name: 'read_task', args: { taskId: other.taskId } },
        ],
      },
      { text: 'Could not.' },
    );
    const { taskId, done } = await ask('change the other one', async ({ boardId }) => {
      const agent = await defaultAgent(boardId);
      await t.http.patch(`/api/agents/${agent.id}`, {
        tools: { update_task: 'auto', comment: 'auto', read_task: 'auto' },
      });
    });
    expect(done.status).toBe('completed');
    const rows = await callsOf(taskId);
    expect(rows.map((r) => [r.call_id, r.status])).toEqual(
      expect.arrayContaining([
        ['u', 'failed'],
        ['c', 'failed'],
        ['r', 'failed'],
      ]),
    );
    for (const r of rows) expect(r.error).toMatch(/does not exist/);
    expect((await t.db.pool.query('SELECT * FROM tasks WHERE id = $1', [other.taskId])).rows[0]).toEqual(
      before,
    );
    const msgs = await t.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE task_id = $1', [
      other.taskId,
    ]);
    expect(msgs.rows[0].n).toBe(0);
  });

  it('update_task, read_task and comment on its own board', async () => {
    const sibling = await createTask(t.http, 'Sibling');
    let labelId = '';
    fake.enqueue(
      {
        toolCalls: [
          {
            id: 'u',
            name: 'update_task',
            args: { title: 'Renamed', priority: 'high', labels: ['urgent-ish'] },
          },
        ],
      },
      { toolCalls: [{ id: 'r', name: 'read_task', args: {} }] },
      { text: 'Updated.' },
    );
    const { taskId, boardId, done, requests } = await ask('tidy this up', async ({ boardId }) => {
      labelId = (await t.http.post(`/api/boards/${boardId}/labels`, { name: 'Urgent-ish', color: '#ef4444' }))
        .body.data.id;
    });
    expect(done.status).toBe('completed');
    const row = (await t.db.pool.query('SELECT * FROM tasks WHERE id = $1', [taskId])).rows[0];
    expect(row).toMatchObject({ title: 'Renamed', priority: 'high', label_ids: [labelId] });
    const read = JSON.parse(toolResults(requests[2]!.body)[1]!);
    expect(read).toMatchObject({
      title: 'Renamed',
      priority: 'high',
      labels: ['Urgent-ish'],
      column: 'Todo',
    });
    expect(read.recentChat).toEqual([{ role: 'user', author: 'Test Owner', content: 'tidy this up' }]);
    expect(boardId).not.toBe(sibling.boardId);

    // comment: another task of the same board gets a finished message from the agent, and no reply starts.
    const target = await t.http.post(`/api/boards/${boardId}/tasks`, {
      columnId: (await t.http.get(`/api/boards/${boardId}`)).body.data.columns[0].id,
      title: 'Neighbour',
    });
    const agent = await defaultAgent(boardId);
    await t.http.patch(`/api/agents/${agent.id}`, { tools: { comment: 'auto' } });
    fake.enqueue(
      { toolCalls: [{ name: 'comment', args: { taskId: target.body.data.id, content: 'Heads up.' } }] },
      { text: 'Told them.' },
    );
    const { id } = await post(taskId, 'tell the neighbour');
    expect((await waitForReply(t.db, id)).status).toBe('completed');
    const comments = await t.db.pool.query(
      'SELECT role, status, content, agent_id FROM messages WHERE task_id = $1',
      [target.body.data.id],
    );
    expect(comments.rows).toEqual([
      { role: 'assistant', status: 'completed', content: 'Heads up.', agent_id: agent.id },
    ]);
  });

  it("the task's agent answers with its own prompt, temperature and only the tools it enables", async () => {
    const { done, requests, taskId } = await ask('hello', async ({ boardId, taskId }) => {
      const writer = await t.http.post(`/api/boards/${boardId}/agents`, {
        handle: 'writer',
        name: 'Writer',
        systemPrompt: 'You write crisp release notes.',
        temperature: 0.3,
        tools: { read_task: 'auto', move_task: 'ask' },
      });
      expect(writer.status).toBe(201);
      expect((await t.http.patch(`/api/tasks/${taskId}`, { agentId: writer.body.data.id })).status).toBe(200);
    });
    expect(done.status).toBe('completed');
    const body = requests[0]!.body;
    expect(body.messages[0].content).toContain('You write crisp release notes.');
    expect(body.temperature).toBe(0.3);
    expect(body.tools.map((x: { function: { name: string } }) => x.function.name).sort()).toEqual([
      'move_task',
      'read_task',
    ]);
    const task = (await t.http.get(`/api/tasks/${taskId}`)).body.data;
    const m = await t.db.pool.query('SELECT agent_id FROM messages WHERE id = $1', [done.id]);
    expect(m.rows[0].agent_id).toBe(task.agent_id);
  });
});

describe('approvals (ask policy)', () => {
  /** A task whose default agent must ask before move_task; the model asks to move it to `column`. */
  async function waiting(column: string, then?: string) {
    const ids = await createTask(t.http);
    const agent = await defaultAgent(ids.boardId);
    await t.http.patch(`/api/agents/${agent.id}`, { tools: { move_task: 'ask', read_board: 'auto' } });
    fake.enqueue({ toolCalls: [{ id: 'call_ask', name: 'move_task', args: { column } }] });
    if (then) fake.enqueue({ text: then });
    const { id, before } = await post(ids.taskId, `move this to ${column}`);
    await untilStatus(id, 'waiting_for_user');
    return { ...ids, id, before };
  }

  it('the run waits; a viewer may not decide; an editor approves with edited arguments; the run resumes', async () => {
    const { taskId, boardId, id, before } = await waiting('Review', 'Moved after approval.');
    const task = (await t.http.get(`/api/tasks/${taskId}`)).body.data;
    expect(task).toMatchObject({
      agent_status: 'waiting_for_user',
      agent_status_message: 'waiting for approval: move_task',
    });
    const [row] = await callsOf(taskId);
    expect(row).toMatchObject({
      status: 'waiting',
      name: 'move_task',
      arguments: { column: 'Review' },
      decided_by: null,
    });
    expect(await columnOf(taskId)).toBe('Todo'); // nothing ran
    expect(fake.requests.length - before).toBe(1);

    const viewer = await signUp(t.url, { name: 'Vera' });
    const invite = await t.http.post(`/api/boards/${boardId}/invites`, { role: 'viewer' });
    await api(t.url, viewer.headers).post(`/api/invites/${invite.body.data.token}/accept`);
    const asViewer = await api(t.url, viewer.headers).post(`/api/tool-calls/${row!.id}/approve`, {});
    expect(asViewer.status).toBe(403);
    const bad = await t.http.post(`/api/tool-calls/${row!.id}/approve`, { arguments: { column: 42 } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await callsOf(taskId))[0]!.status).toBe('waiting');

    const ok = await t.http.post(`/api/tool-calls/${row!.id}/approve`, { arguments: { column: 'Done' } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({
      status: 'running',
      decided_by: t.owner!.userId,
      decided_by_name: 'Test Owner',
    });
    expect(typeof ok.body.txid).toBe('number');
    expect((await t.http.post(`/api/tool-calls/${row!.id}/approve`, {})).status).toBe(409);

    const done = await waitForReply(t.db, id);
    expect(done).toMatchObject({ status: 'completed', content: 'Moved after approval.' });
    expect(await columnOf(taskId)).toBe('Done');
    const [after] = await callsOf(taskId);
    expect(after).toMatchObject({
      status: 'succeeded',
      arguments: { column: 'Done' },
      decided_by_name: 'Test Owner',
    });
    expect(after!.decided_at).toBeTruthy();
    // The model was not asked again for the approved round: one call asked, one answered.
    expect(fake.requests.length - before).toBe(2);
    expect((await t.http.get(`/api/tasks/${taskId}`)).body.data.agent_status).toBe('idle');
  });

  it('deny: nothing runs, the reason goes back to the model, which answers', async () => {
    const { taskId, id, before } = await waiting('Done', 'Understood, left it.');
    const [row] = await callsOf(taskId);
    const res = await t.http.post(`/api/tool-calls/${row!.id}/deny`, { reason: 'not before the review' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      status: 'denied',
      deny_reason: 'not before the review',
      decided_by_name: 'Test Owner',
    });
    expect((await t.http.post(`/api/tool-calls/${row!.id}/deny`, {})).status).toBe(409);
    const done = await waitForReply(t.db, id);
    expect(done).toMatchObject({ status: 'completed', content: 'Understood, left it.' });
    expect(await columnOf(taskId)).toBe('Todo');
    const second = fake.requests[before + 1]!.body;
    expect(toolResults(second)[0]).toMatch(/denied.*Test Owner: not before the review/);
  });

  it('cancelling a waiting reply ends it and its waiting calls', async () => {
    const { taskId, id } = await waiting('Done');
    expect((await t.http.post(`/api/messages/${id}/cancel`)).status).toBe(200);
    expect((await waitForReply(t.db, id)).status).toBe('cancelled');
    expect((await callsOf(taskId))[0]).toMatchObject({
      status: 'denied',
      deny_reason: 'the reply was cancelled',
    });
    expect((await t.http.get(`/api/tasks/${taskId}`)).body.data.agent_status).toBe('idle');
  });
});
