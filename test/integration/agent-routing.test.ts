import { describe, expect } from 'vitest';
import { connectSocket, createTask, waitFor, waitForReply, type AgentApp } from '../support/agent-app';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import { signUp } from '../support/auth';
import { addMember } from '../support/full-app';
import { api } from '../support/http';

// Who answers (docs/agents.md): @mentions (each addressed agent in turn, its own reply),
// @all, handoffs by the `mention` tool up to AGENT_HANDOFF_DEPTH, delegation, column hooks —
// through the real app, pg-boss and the fake provider over HTTP.

const it = withFixtures({ agentEnv: { AGENT_HANDOFF_DEPTH: '2' } });
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});

const TERMINAL = ['completed', 'failed', 'cancelled', 'interrupted'];

async function boardWithAgents(...handles: string[]) {
  const { boardId, taskId } = await createTask(t.http);
  const agents: Record<string, string> = {};
  const list = await t.http.get(`/api/boards/${boardId}/agents`);
  agents.agent = list.body.data[0].id; // the default, @agent
  for (const handle of handles) {
    const res = await t.http.post(`/api/boards/${boardId}/agents`, {
      handle,
      name: handle,
      systemPrompt: `You are ${handle}.`,
      tools: { read_board: 'auto', move_task: 'auto', mention: 'auto' },
    });
    expect(res.status).toBe(201);
    agents[handle] = res.body.data.id;
  }
  return { boardId, taskId, agents };
}

/** The task's messages in chat order, once `n` replies exist and all have ended. */
async function settled(taskId: string, n: number) {
  return waitFor(
    async () => {
      const { rows } = await t.db.pool.query(
        'SELECT id, role, content, status, agent_id, parent_id, handoff_depth, author_id, started_at, finished_at FROM messages WHERE task_id = $1 ORDER BY seq',
        [taskId],
      );
      const replies = rows.filter((r) => r.role === 'assistant');
      return replies.length >= n && replies.every((r) => TERMINAL.includes(r.status)) ? rows : undefined;
    },
    20_000,
    `${n} replies of ${taskId} to end`,
  );
}

const replies = (rows: { role: string }[]) => rows.filter((r) => r.role === 'assistant') as any[];
const systemOf = (body: any) => String(body.messages[0]?.content ?? '');
const contents = (body: any) => body.messages.map((m: { content: string }) => m.content).join('\n');

describe('addressing', () => {
  it('two mentioned agents answer in turn, each its own reply, the second seeing the first', async () => {
    const { taskId, agents } = await boardWithAgents('writer');
    const before = fake.requests.length;
    fake.enqueue({ text: 'Writer here.' }, { text: 'Agent here.' });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, {
      content: '@writer draft it, then @agent check',
    });
    expect(res.status).toBe(201);
    expect(res.body.data.replies.map((r: { agent_id: string }) => r.agent_id)).toEqual([
      agents.writer,
      agents.agent,
    ]);
    expect(res.body.data.assistant.id).toBe(res.body.data.replies[0].id);
    const rows = await settled(taskId, 2);
    const [first, second] = replies(rows);
    expect(replies(rows)).toHaveLength(2);
    expect([first.agent_id, second.agent_id]).toEqual([agents.writer, agents.agent]);
    expect([first.content, second.content]).toEqual(['Writer here.', 'Agent here.']);
    // One after the other, the second answering the first (a chain, not versions of one answer).
    expect(second.parent_id).toBe(first.id);
    expect(new Date(second.started_at).getTime()).toBeGreaterThanOrEqual(
      new Date(first.finished_at).getTime(),
    );
    const [a, b] = fake.requests.slice(before);
    // Each reply is written with its own agent's profile.
    expect(systemOf(a!.body)).toContain('You are writer.');
    expect(systemOf(b!.body)).not.toContain('You are writer.');
    expect(contents(b!.body)).toContain('Writer here.');
    expect(contents(a!.body)).not.toContain('Agent here.');
  });

  it('@all: every agent of the board answers, the default first, then by handle', async () => {
    const { taskId, agents } = await boardWithAgents('writer', 'critic');
    fake.enqueue({ text: 'one' }, { text: 'two' }, { text: 'three' });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'What do you think, @all?' });
    expect(res.status).toBe(201);
    const rows = await settled(taskId, 3);
    expect(replies(rows).map((r) => r.agent_id)).toEqual([agents.agent, agents.critic, agents.writer]);
    expect(replies(rows).map((r) => r.content)).toEqual(['one', 'two', 'three']);
  });

  it("an unknown @word, an e-mail or a mention in code is plain text: the task's agent answers once", async () => {
    const { taskId, agents } = await boardWithAgents('writer');
    expect((await t.http.patch(`/api/tasks/${taskId}`, { agentId: agents.writer })).status).toBe(200);
    await settled(taskId, 1); // the delegation's run
    fake.enqueue({ text: 'Only me.' });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, {
      content: 'ask @bob, mail writer@agent.io or ops@agent, or run `@agent`',
    });
    expect(res.status).toBe(201);
    expect(res.body.data.replies).toHaveLength(1);
    const rows = await settled(taskId, 2);
    const last = replies(rows).at(-1);
    expect(last).toMatchObject({ agent_id: agents.writer, content: 'Only me.' });
    expect(replies(rows)).toHaveLength(2);
  });

  it('no mention and no agent of its own: the board default answers', async () => {
    const { taskId, agents } = await boardWithAgents('writer');
    fake.enqueue({ text: 'Default.' });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'hello there' });
    expect(res.body.data.assistant.agent_id).toBe(agents.agent);
    const done = await waitForReply(t.db, res.body.data.assistant.id);
    expect(done.content).toBe('Default.');
  });
});

describe('handoff', () => {
  it('the mention tool hands off; a chain stops at AGENT_HANDOFF_DEPTH with a note in the reply', async () => {
    const { taskId, agents } = await boardWithAgents('writer');
    const before = fake.requests.length;
    fake.enqueue(
      { toolCalls: [{ name: 'mention', args: { handle: 'writer', note: 'polish it' } }] },
      { text: 'Asked the writer.' },
      { toolCalls: [{ name: 'mention', args: { handle: '@agent' } }] },
      { text: 'Back to you.' },
      { toolCalls: [{ name: 'mention', args: { handle: 'writer' } }] },
      { text: 'Done here.' },
    );
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'start' });
    expect(res.status).toBe(201);
    const rows = await settled(taskId, 3);
    const chain = replies(rows);
    // depth 0 → 1 → 2 (the limit in this file): the third handoff is refused, nothing more queued.
    expect(chain).toHaveLength(3);
    expect(chain.map((r) => r.handoff_depth)).toEqual([0, 1, 2]);
    expect(chain.map((r) => r.agent_id)).toEqual([agents.agent, agents.writer, agents.agent]);
    expect(chain.every((r) => r.status === 'completed')).toBe(true);
    expect(chain[0].content).toContain('→ @writer: polish it');
    expect(chain[2].content).toMatch(
      /Handoff to @writer stopped: .*2 agent handoffs.*AGENT_HANDOFF_DEPTH = 2/,
    );
    expect(chain[2].content).toContain('Done here.');
    // The model was told, as the tool's result.
    const toolResult = fake.requests
      .slice(before)[5]!
      .body.messages.filter((m: { role: string }) => m.role === 'tool')
      .at(-1).content;
    expect(toolResult).toMatch(/^error: handoff limit reached/);
    // The writer's reply read the first one (its note included).
    expect(contents(fake.requests.slice(before)[2]!.body)).toContain('polish it');
  });

  it('an unknown handle is an error result; nothing is queued', async () => {
    const { taskId } = await boardWithAgents();
    fake.enqueue({ toolCalls: [{ name: 'mention', args: { handle: 'nobody' } }] }, { text: 'Nobody.' });
    await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'go' });
    const rows = await settled(taskId, 1);
    expect(replies(rows)).toHaveLength(1);
    const last = fake.requests
      .at(-1)!
      .body.messages.filter((m: { role: string }) => m.role === 'tool')
      .at(-1);
    expect(last.content).toMatch(/^error: there is no agent @nobody on this board \(it has @agent\)/);
  });
});

describe('delegation', () => {
  it('PATCH agentId to a new agent starts one run with the task as the prompt, by the delegator', async () => {
    const { taskId, agents } = await boardWithAgents('writer');
    fake.enqueue({ text: 'On it.' });
    const before = fake.requests.length;
    const res = await t.http.patch(`/api/tasks/${taskId}`, { agentId: agents.writer });
    expect(res.status).toBe(200);
    const rows = await settled(taskId, 1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ role: 'user', author_id: t.owner!.userId });
    expect(rows[0].content).toMatch(
      /^Delegated to @writer\n\n\*\*Write the launch plan\*\*\n\nPlan the launch/,
    );
    expect(rows[1]).toMatchObject({ agent_id: agents.writer, content: 'On it.', status: 'completed' });
    expect(contents(fake.requests[before]!.body)).toContain('Delegated to @writer');
    // The same agent again, or another field: no new run.
    expect(
      (await t.http.patch(`/api/tasks/${taskId}`, { agentId: agents.writer, title: 'Renamed' })).status,
    ).toBe(200);
    const again = await t.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE task_id = $1', [
      taskId,
    ]);
    expect(again.rows[0].n).toBe(2);
    // Back to the default (null): no run either.
    expect((await t.http.patch(`/api/tasks/${taskId}`, { agentId: null })).status).toBe(200);
    const still = await t.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE task_id = $1', [
      taskId,
    ]);
    expect(still.rows[0].n).toBe(2);
  });
});

describe('column hooks', () => {
  async function hooked(handle = 'reviewer') {
    const b = await boardWithAgents(handle);
    const board = await t.http.get(`/api/boards/${b.boardId}`);
    const cols = Object.fromEntries(
      board.body.data.columns.map((c: { name: string; id: string }) => [c.name, c.id]),
    );
    const res = await t.http.patch(`/api/columns/${cols.Review}`, {
      hook: { agentId: b.agents[handle], instruction: 'Review this card and list what is missing.' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      hook_agent_id: b.agents[handle],
      hook_instruction: 'Review this card and list what is missing.',
    });
    return { ...b, cols };
  }
  const count = async (taskId: string) =>
    (
      await t.db.pool.query(
        "SELECT count(*)::int AS n FROM messages WHERE task_id = $1 AND role = 'assistant'",
        [taskId],
      )
    ).rows[0].n as number;

  it('a card entering the column starts exactly one run of the hook agent; a reorder starts none', async () => {
    const { taskId, boardId, agents, cols } = await hooked();
    const other = await t.http.post(`/api/boards/${boardId}/tasks`, {
      columnId: cols.Review,
      title: 'Neighbour',
    });
    fake.enqueue({ text: 'Reviewed.' });
    const before = fake.requests.length;
    const moved = await t.http.post(`/api/tasks/${taskId}/move`, { columnId: cols.Review });
    expect(moved.status).toBe(200);
    const rows = await settled(taskId, 1);
    expect(replies(rows)).toHaveLength(1);
    expect(rows[0]).toMatchObject({ role: 'user', author_id: t.owner!.userId });
    expect(rows[0].content).toContain('Review this card and list what is missing.');
    expect(replies(rows)[0]).toMatchObject({ agent_id: agents.reviewer, content: 'Reviewed.' });
    expect(contents(fake.requests[before]!.body)).toContain('Moved to **Review**');
    // A reorder inside the column is not entering it.
    const reorder = await t.http.post(`/api/tasks/${taskId}/move`, {
      columnId: cols.Review,
      placement: { beforeId: other.body.data.id },
    });
    expect(reorder.status).toBe(200);
    expect(await count(taskId)).toBe(1);
    // Leaving and entering again is a second move: a second run.
    fake.enqueue({ text: 'Again.' });
    await t.http.post(`/api/tasks/${taskId}/move`, { columnId: cols.Todo });
    await t.http.post(`/api/tasks/${taskId}/move`, { columnId: cols.Review });
    expect(replies(await settled(taskId, 2))).toHaveLength(2);
  });

  it("a move by the hook agent's own tool does not retrigger it", async () => {
    const { taskId, agents } = await hooked();
    fake.enqueue({ toolCalls: [{ name: 'move_task', args: { column: 'Review' } }] }, { text: 'Moved it.' });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, {
      content: '@reviewer move this to Review',
    });
    const done = await waitForReply(t.db, res.body.data.assistant.id);
    expect(done).toMatchObject({ status: 'completed', agent_id: agents.reviewer, content: 'Moved it.' });
    const col = await t.db.pool.query(
      'SELECT c.name FROM tasks t JOIN columns c ON c.id = t.column_id WHERE t.id = $1',
      [taskId],
    );
    expect(col.rows[0].name).toBe('Review');
    // The hook's run would have been queued in the move's transaction, before the reply ended.
    expect(await count(taskId)).toBe(1);
  });

  it("another agent's move fires the hook, one step deeper", async () => {
    const { taskId, agents } = await hooked();
    fake.enqueue(
      { toolCalls: [{ name: 'move_task', args: { column: 'Review' } }] },
      { text: 'Sent to review.' },
      { text: 'Reviewed it.' },
    );
    await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'move this to Review' });
    const rows = await settled(taskId, 2);
    expect(replies(rows).map((r) => [r.agent_id, r.handoff_depth])).toEqual([
      [agents.agent, 0],
      [agents.reviewer, 1],
    ]);
    expect(rows.find((r) => r.role === 'user' && r.content.startsWith('Moved to'))).toMatchObject({
      author_id: null,
    });
  });

  it('a move into a hooked column that draws a held key runs again after it: 200, one run', async () => {
    const { taskId, boardId, cols } = await hooked();
    // Every append draws the same fraction (migrations/0080 kanban_jitter_key, here without its
    // randomness), so the move meets an open create's key on UNIQUE (column_id, position).
    const pool = t.db.pool;
    const { rows: def } = await pool.query<{ sql: string }>(
      "SELECT pg_get_functiondef('kanban_jitter_key(text)'::regprocedure) AS sql",
    );
    await pool.query(
      "CREATE OR REPLACE FUNCTION kanban_jitter_key(k text) RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT k || 'V' $$",
    );
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      const held = await holder.query<{ position: string }>(
        `SELECT (r.task).position FROM kanban_create_task($1, $2, NULL, NULL, 'held', '', 'none', NULL,
                  $3, 'Owner', 'end', NULL, NULL, NULL) r`,
        [boardId, cols.Review, t.owner!.userId],
      );
      fake.enqueue({ text: 'Reviewed.' });
      const moving = t.http.post(`/api/tasks/${taskId}/move`, { columnId: cols.Review });
      await waitFor(
        async () => {
          const { rows } = await pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
                AND wait_event_type = 'Lock' AND query LIKE '%kanban_move_task%'`,
          );
          return rows[0]!.n > 0 || undefined;
        },
        10_000,
        'the move to wait on the held key',
      );
      await holder.query('COMMIT');
      const moved = await moving;
      expect(moved.status).toBe(200);
      expect(moved.body.data.position > held.rows[0]!.position).toBe(true);
      expect(replies(await settled(taskId, 1))).toHaveLength(1);
    } finally {
      holder.release();
      await pool.query(def[0]!.sql);
    }
  });

  it('hooks are owner settings: an editor gets 403, an agent of another board 400, null removes it', async () => {
    const { boardId, cols } = await hooked();
    const elsewhere = await boardWithAgents('stranger');
    const bad = await t.http.patch(`/api/columns/${cols.Done}`, {
      hook: { agentId: elsewhere.agents.stranger, instruction: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/not an agent of this board/);
    expect(
      (await t.http.patch(`/api/columns/${cols.Done}`, { hook: { agentId: elsewhere.agents.stranger } }))
        .status,
    ).toBe(400);
    const editor = await signUp(t.url, { name: 'Ed' });
    await addMember(t.url, t.owner!, editor, boardId, 'editor');
    const asEditor = api(t.url, editor.headers);
    expect((await asEditor.patch(`/api/columns/${cols.Done}`, { hook: null })).status).toBe(403);
    expect((await asEditor.patch(`/api/columns/${cols.Done}`, { name: 'Shipped' })).status).toBe(200);
    const off = await t.http.patch(`/api/columns/${cols.Review}`, { hook: null });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ hook_agent_id: null, hook_instruction: null });
  });
});

describe('agents.changed', () => {
  it('reaches the board room on agent create, update, delete and on a hook change', async () => {
    const { boardId } = await createTask(t.http);
    const socket = await connectSocket(t.url);
    try {
      expect(await socket.timeout(5000).emitWithAck('board.join', { boardId })).toMatchObject({ ok: true });
      // Bounded, so a missing event fails here rather than at the test's timeout.
      const next = () =>
        new Promise<{ boardId: string }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no agents.changed within 5 s')), 5000);
          socket.once('agents.changed', (body) => (clearTimeout(timer), resolve(body)));
        });
      let got = next();
      const created = await t.http.post(`/api/boards/${boardId}/agents`, {
        handle: 'helper',
        name: 'Helper',
      });
      expect(await got).toEqual({ boardId });
      got = next();
      await t.http.patch(`/api/agents/${created.body.data.id}`, { name: 'Helper 2' });
      expect(await got).toEqual({ boardId });
      got = next();
      const board = await t.http.get(`/api/boards/${boardId}`);
      await t.http.patch(`/api/columns/${board.body.data.columns[0].id}`, {
        hook: { agentId: created.body.data.id, instruction: 'Triage.' },
      });
      expect(await got).toEqual({ boardId });
      got = next();
      await t.http.del(`/api/agents/${created.body.data.id}`);
      expect(await got).toEqual({ boardId });
      // The hook's agent is gone: the hook is off.
      const col = await t.http.get(`/api/boards/${boardId}/columns`);
      expect(col.body.data[0].hook_agent_id).toBeNull();
    } finally {
      socket.disconnect();
    }
  });

  it('@all is not a handle an agent can take', async () => {
    const { boardId } = await createTask(t.http);
    const res = await t.http.post(`/api/boards/${boardId}/agents`, { handle: 'all', name: 'All' });
    expect(res.status).toBe(400);
  });
});
