import { describe, expect } from 'vitest';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';

// The board tools run inside LangChain's agent loop, scripted by the fake provider's tool calls
// over HTTP: each calls the REST command as an agent actor that may act on its own board only;
// a bad or refused call is the tool's result and the run goes on to answer.

const it = withFixtures();
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

async function ask(content: string) {
  const { taskId, boardId } = await createTask(t.http);
  const before = fake.requests.length;
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
  expect(res.status).toBe(201);
  const done = await waitForReply(t.db, res.body.data.assistant.id);
  return { taskId, boardId, done, requests: fake.requests.slice(before) };
}

const toolResults = (body: { messages: { role: string; content: string }[] }) =>
  body.messages.filter((m) => m.role === 'tool').map((m) => m.content);

describe('board tools', () => {
  it('creates three subtasks of its task, then answers', async () => {
    fake.enqueue(
      {
        toolCalls: [
          { name: 'create_tasks', args: { tasks: [{ title: 'A' }, { title: 'B' }, { title: 'C' }] } },
        ],
      },
      { text: 'Split into three.' },
    );
    const { taskId, done, requests } = await ask('split this');
    expect(done).toMatchObject({ status: 'completed', content: 'Split into three.' });
    const subtasks = await t.db.pool.query('SELECT title FROM tasks WHERE parent_id = $1 ORDER BY position', [
      taskId,
    ]);
    expect(subtasks.rows.map((r) => r.title)).toEqual(['A', 'B', 'C']);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.body.tools.map((x: { function: { name: string } }) => x.function.name)).toContain(
      'create_tasks',
    );
    expect(toolResults(requests[1]!.body)[0]).toMatch(/"created"/);
  });

  it('moves its own task by column name', async () => {
    fake.enqueue({ toolCalls: [{ name: 'move_task', args: { column: 'done' } }] }, { text: 'Moved.' });
    const { taskId, boardId, done } = await ask('move this to Done');
    expect(done.status).toBe('completed');
    const { rows } = await t.db.pool.query(
      'SELECT c.name FROM tasks t JOIN columns c ON c.id = t.column_id WHERE t.id = $1 AND t.board_id = $2',
      [taskId, boardId],
    );
    expect(rows[0].name).toBe('Done');
  });

  it('invalid arguments are an error result, and the run goes on', async () => {
    fake.enqueue({ toolCalls: [{ name: 'move_task', args: { column: 42 } }] }, { text: 'Sorry.' });
    const { done, requests } = await ask('move it');
    expect(done).toMatchObject({ status: 'completed', content: 'Sorry.' });
    expect(toolResults(requests[1]!.body)[0]).toMatch(/error|invalid|expected/i);
  });

  it("cannot touch another board's task: an error result, nothing changes", async () => {
    const other = await createTask(t.http, 'Not yours');
    const before = (
      await t.db.pool.query('SELECT column_id, updated_at FROM tasks WHERE id = $1', [other.taskId])
    ).rows[0];
    fake.enqueue(
      { toolCalls: [{ name: 'move_task', args: { column: 'Done', taskId: other.taskId } }] },
      { text: 'Could not.' },
    );
    const { done, requests } = await ask('move the other one');
    expect(done.status).toBe('completed');
    expect(toolResults(requests[1]!.body)[0]).toMatch(/does not exist/);
    const after = (
      await t.db.pool.query('SELECT column_id, updated_at FROM tasks WHERE id = $1', [other.taskId])
    ).rows[0];
    expect(after).toEqual(before);
  });
});
