import pg from 'pg';
import { describe, expect } from 'vitest';
import type { ToolCall } from '@kanban/shared';
import type { FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  subscribe,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { withFixtures, type Workers } from '../support/fixtures';
import { within } from '../support/gate';

// A worker SIGKILLed during a tool round: the job comes back (pg-boss heartbeat), the run resumes
// from its Postgres checkpoint, and the call that already succeeded is not run again: its
// tool_calls row says so. LangGraph also keeps the writes of the round's finished calls; the test
// removes them, as if the worker had died between the tool's commit and that write, so it is the
// row that must stop the second run.

// A web-only instance (agentApp) and a worker process on one database.
const it = withFixtures({ agentEnv: { ROLES: 'web' } });
let fake: FakeLlm;
let a: AgentApp;
let workers: Workers;
const sockets: ClientSocket[] = [];

it.beforeAll(async ({ agentApp, fakeLlm, workers: w }) => {
  fake = fakeLlm;
  a = agentApp;
  workers = w;
  await workers.start();
});
it.afterAll(() => {
  for (const s of sockets) s.disconnect();
});

describe('a worker killed in a tool round', () => {
  it('resumes the run; the call that succeeded is not run again, the interrupted one is', async () => {
    const { taskId, boardId } = await createTask(a.http);
    const columns = (await a.http.get(`/api/boards/${boardId}`)).body.data.columns as {
      id: string;
      name: string;
    }[];
    const other = await a.http.post(`/api/boards/${boardId}/tasks`, {
      columnId: columns[1]!.id,
      title: 'Blocked',
    });
    const otherId = other.body.data.id as string;
    const s = await connectSocket(a.url);
    sockets.push(s);
    const rows = new Map<string, ToolCall>();
    let changed: () => void = () => undefined;
    s.on('tool.call', (row) => (rows.set(row.call_id, row), changed()));
    expect(await subscribe(s, taskId)).toEqual({ ok: true });
    const until = (check: () => boolean, what: string) =>
      within(
        new Promise<void>((resolve) => {
          changed = () => check() && resolve();
          changed();
        }),
        15_000,
        what,
      );

    // The move of the other task waits on its row lock, held here: the round is stuck mid-way
    // with create_tasks done.
    const locker = new pg.Client({ connectionString: a.database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM tasks WHERE id = $1 FOR UPDATE', [otherId]);
    fake.enqueue(
      {
        toolCalls: [
          { id: 'c_create', name: 'create_tasks', args: { tasks: [{ title: 'One' }, { title: 'Two' }] } },
          { id: 'c_move', name: 'move_task', args: { column: 'Done', taskId: otherId } },
        ],
      },
      { text: 'Both done.' },
    );
    const res = await a.http.post(`/api/tasks/${taskId}/messages`, {
      content: 'split this and ship the other',
    });
    const id = res.body.data.assistant.id as string;
    try {
      await until(
        () => rows.get('c_create')?.status === 'succeeded' && rows.get('c_move')?.status === 'running',
        'create_tasks done, move_task running',
      );
      const status = await a.db.pool.query('SELECT status FROM messages WHERE id = $1', [id]);
      expect(status.rows[0].status).toBe('executing');
      await workers.killNewest();
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The dead worker's move never committed. Drop LangGraph's saved writes of the round too.
    await a.db.pool.query('DELETE FROM agent_checkpoints.checkpoint_writes WHERE thread_id = $1', [id]);

    await workers.start();
    // (How fast is a figure for the chaos bench; 30 s only bounds the wait: heartbeat 10 s.)
    const done = await waitForReply(a.db, id, 30_000);
    expect(done).toMatchObject({ status: 'completed', content: 'Both done.' });
    const subtasks = await a.db.pool.query('SELECT title FROM tasks WHERE parent_id = $1 ORDER BY position', [
      taskId,
    ]);
    expect(subtasks.rows.map((r) => r.title)).toEqual(['One', 'Two']);
    const moved = await a.db.pool.query('SELECT column_id FROM tasks WHERE id = $1', [otherId]);
    expect(moved.rows[0].column_id).toBe(columns.find((c) => c.name === 'Done')!.id);
    const calls = (await a.http.get(`/api/tasks/${taskId}/tool-calls`)).body.data as ToolCall[];
    // One round's calls run side by side, so their rows may be created in either order.
    expect(calls.map((c) => [c.call_id, c.status]).sort()).toEqual([
      ['c_create', 'succeeded'],
      ['c_move', 'succeeded'],
    ]);
    // The model got both results in the resumed run: the stored one and the new one.
    const last = fake.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === 'tool');
    expect(last).toHaveLength(2);
  });
});
