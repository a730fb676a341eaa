import { describe, expect } from 'vitest';
import type { ToolCall } from '@kanban/shared';
import type { FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { withFixtures } from '../support/fixtures';
import { untilMessage } from '../support/row-events';

// A reply waiting for an approval survives a whole app restart: the paused run is a Postgres
// checkpoint, the waiting calls are rows, and no job exists meanwhile (the reply watch, which
// ends replies whose job is gone, leaves waiting ones alone). The decision, taken on the new
// process, sends the job that resumes the run there: approve runs the call, deny tells the model.

const it = withFixtures();
let fake: FakeLlm;
let env: Record<string, string>;
const apps: AgentApp[] = [];

it.beforeAll(({ fakeLlm }) => {
  fake = fakeLlm;
  // The reply watch looks often and gives up on a jobless reply fast: it would end a waiting one.
  env = { ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl, AGENT_WORKER_WAIT_MS: '200' };
});
it.afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
});

async function waitingMove(t: AgentApp, column: string) {
  const ids = await createTask(t.http);
  const agent = (await t.http.get(`/api/boards/${ids.boardId}/agents`)).body.data[0];
  await t.http.patch(`/api/agents/${agent.id}`, { tools: { move_task: 'ask' } });
  fake.enqueue({ toolCalls: [{ id: 'call_wait', name: 'move_task', args: { column } }] });
  const res = await t.http.post(`/api/tasks/${ids.taskId}/messages`, { content: `move this to ${column}` });
  const id = res.body.data.assistant.id as string;
  await untilMessage(
    t.db.url,
    id,
    (m) => (m?.status === 'waiting_for_user' ? m : undefined),
    10_000,
    'waiting',
  );
  return { ...ids, id };
}

const columnOf = async (t: AgentApp, taskId: string) =>
  (
    await t.db.pool.query('SELECT c.name FROM tasks t JOIN columns c ON c.id = t.column_id WHERE t.id = $1', [
      taskId,
    ])
  ).rows[0].name as string;

describe('approvals across a restart', () => {
  it('approve and deny, each decided after the whole app restarted while waiting', async ({ database }) => {
    const first = await startAgentApp(env, { database });
    apps.push(first);
    const toApprove = await waitingMove(first, 'Done');
    const toDeny = await waitingMove(first, 'Review');
    await first.close();
    apps.pop();

    const second = await startAgentApp(env, { database });
    apps.push(second);
    const callOf = async (taskId: string) =>
      ((await second.http.get(`/api/tasks/${taskId}/tool-calls`)).body.data as ToolCall[])[0]!;
    for (const w of [toApprove, toDeny]) {
      const m = await second.db.pool.query('SELECT status FROM messages WHERE id = $1', [w.id]);
      expect(m.rows[0].status).toBe('waiting_for_user');
      expect((await callOf(w.taskId)).status).toBe('waiting');
      expect((await second.http.get(`/api/tasks/${w.taskId}`)).body.data.agent_status).toBe(
        'waiting_for_user',
      );
    }

    fake.enqueue({ text: 'Moved it.' });
    const approved = await second.http.post(
      `/api/tool-calls/${(await callOf(toApprove.taskId)).id}/approve`,
      {},
    );
    expect(approved.status).toBe(200);
    expect(await waitForReply(second.db, toApprove.id)).toMatchObject({
      status: 'completed',
      content: 'Moved it.',
    });
    expect(await columnOf(second, toApprove.taskId)).toBe('Done');
    expect(await callOf(toApprove.taskId)).toMatchObject({
      status: 'succeeded',
      decided_by_name: 'Test Owner',
    });

    fake.enqueue({ text: 'Left it.' });
    const before = fake.requests.length;
    const denied = await second.http.post(`/api/tool-calls/${(await callOf(toDeny.taskId)).id}/deny`, {
      reason: 'wait for QA',
    });
    expect(denied.status).toBe(200);
    expect(await waitForReply(second.db, toDeny.id)).toMatchObject({
      status: 'completed',
      content: 'Left it.',
    });
    expect(await columnOf(second, toDeny.taskId)).toBe('Todo');
    expect(await callOf(toDeny.taskId)).toMatchObject({ status: 'denied', deny_reason: 'wait for QA' });
    const tool = fake.requests[before]!.body.messages.find((m: { role: string }) => m.role === 'tool');
    expect(tool.content).toMatch(/denied.*wait for QA/);
  });
});
