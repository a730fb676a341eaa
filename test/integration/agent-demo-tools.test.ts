import { expect } from 'vitest';
import { createTask, waitForReply } from '../support/agent-app';
import { withFixtures } from '../support/fixtures';

// With no provider configured, the demo model still works the board through the same loop:
// "split this into subtasks" creates subtasks of the task, as a newcomer would try first.

const it = withFixtures({ agentEnv: { LLM_PROVIDER: 'demo', DEMO_TOKEN_MS: '0' } });

it('the demo model splits a task into subtasks with a real tool call, then says so', async ({
  agentApp: t,
}) => {
  const { taskId } = await createTask(t.http, 'Launch plan');
  const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'split this into subtasks' });
  const done = await waitForReply(t.db, res.body.data.assistant.id, 15_000);
  expect(done).toMatchObject({ status: 'completed', model: 'demo' });
  expect(done.content).toMatch(/\(demo\) Done: I called `create_tasks`/);
  const { rows } = await t.db.pool.query('SELECT title FROM tasks WHERE parent_id = $1 ORDER BY position', [
    taskId,
  ]);
  expect(rows.map((r) => r.title)).toEqual([
    'Outline: Launch plan',
    'Draft: Launch plan',
    'Review: Launch plan',
  ]);
  // Two model calls: the tool round and the answer.
  const runs = await t.db.pool.query('SELECT count(*)::int AS n FROM agent_runs WHERE message_id = $1', [
    done.id,
  ]);
  expect(runs.rows[0].n).toBe(2);
});

it('the demo model moves the task to Done and sets its priority, each a real tool call row', async ({
  agentApp: t,
}) => {
  const { taskId } = await createTask(t.http, 'Ship it');
  for (const content of ['move this to Done', 'set priority high']) {
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content });
    const done = await waitForReply(t.db, res.body.data.assistant.id, 15_000);
    expect(done).toMatchObject({ status: 'completed', model: 'demo' });
    expect(done.content).toMatch(/^\(demo\) Done: I called `(move|update)_task`/);
  }
  const task = (await t.http.get(`/api/tasks/${taskId}`)).body.data;
  expect(task.priority).toBe('high');
  const { rows } = await t.db.pool.query('SELECT name FROM columns WHERE id = $1', [task.column_id]);
  expect(rows[0].name).toBe('Done');
  const calls = (await t.http.get(`/api/tasks/${taskId}/tool-calls`)).body.data;
  expect(calls.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
    ['move_task', 'succeeded'],
    ['update_task', 'succeeded'],
  ]);
});
