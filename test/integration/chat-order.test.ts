import { describe, expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { withFixtures } from '../support/fixtures';
import { tokenGate, within } from '../support/gate';

// One reply per task at a time, in order (key_strict_fifo keyed by task, enforced by the
// database); different tasks stream at the same time up to AGENT_CONCURRENCY.

// Echo the question, slowly enough that overlapping runs would be visible.
const echo = (body: { messages: { content: string }[] }) => ({
  text: `re: ${body.messages.at(-1)!.content} ${'x '.repeat(8)}`,
  paceMs: 15,
});
const it = withFixtures({ agentEnv: { AGENT_CONCURRENCY: '6' } });
let fake: FakeLlm;
let t: AgentApp;
it.beforeAll(({ agentApp, fakeLlm }) => {
  fake = fakeLlm;
  fake.setDefault(echo);
  t = agentApp;
});

/** completed | running (claimed, not ended) | waiting (not claimed yet), per reply id. */
async function phases(ids: string[]) {
  const { rows } = await t.db.pool.query('SELECT id, status, started_at FROM messages WHERE id = ANY($1)', [
    ids,
  ]);
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id)!;
    if (r.status === 'completed') return 'completed';
    if (r.status !== 'queued' && r.status !== 'streaming') return r.status as string;
    return r.started_at ? 'running' : 'waiting';
  });
}

const requestsFor = (title: string) =>
  fake.requests.filter((r) => String(r.body.messages[0].content).includes(title));

describe('ordering', () => {
  it('answers five quick messages to one task one at a time, in order', async () => {
    const title = 'Ordered task';
    const { taskId } = await createTask(t.http, title);
    // When each model call starts, the replies before it have all completed and the ones
    // after it are still queued: an ordering of events, read from the rows at that moment.
    const ids: string[] = [];
    const seenAtStart: string[][] = [];
    let posted5!: () => void;
    const allPosted = new Promise<void>((r) => (posted5 = r)); // the first call waits for all five
    fake.setDefault((body: { messages: { content: string }[] }) => ({
      text: `re: ${body.messages.at(-1)!.content} ${'x '.repeat(8)}`,
      beforeToken: async (i) => {
        if (i !== 0) return;
        await allPosted;
        seenAtStart.push(await phases(ids));
      },
    }));
    const posted = [];
    for (let i = 1; i <= 5; i++) {
      posted.push(await t.http.post(`/api/tasks/${taskId}/messages`, { content: `q${i}` }));
      ids.push(posted.at(-1)!.body.data.assistant.id);
    }
    posted5();
    const replies = [];
    for (const p of posted) replies.push(await waitForReply(t.db, p.body.data.assistant.id));
    expect(replies.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    expect(replies.map((r) => r.content.split(' ')[1])).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    // The provider saw them in order, each only after the previous reply had finished.
    const reqs = requestsFor(title);
    expect(reqs.map((r) => r.body.messages.at(-1).content)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    expect(seenAtStart).toEqual(
      [0, 1, 2, 3, 4].map((n) => ids.map((_, k) => (k < n ? 'completed' : k === n ? 'running' : 'waiting'))),
    );
    // Each later prompt carries the earlier answers as history.
    expect(reqs[4]!.body.messages).toHaveLength(1 + 9);
    fake.setDefault(echo);
  });

  it('streams five tasks at once', async () => {
    const tasks = await Promise.all([1, 2, 3, 4, 5].map((i) => createTask(t.http, `Parallel task ${i}`)));
    // Every stream is held after its first token until all five model calls have arrived:
    // with fewer than five running at once the fifth would never come.
    const before = fake.requests.length;
    const gate = tokenGate();
    const hold = gate.holdAt(1);
    for (let i = 0; i < 5; i++)
      fake.enqueue({ text: 'one two three', beforeToken: (k) => gate.beforeToken(k) });
    const posted = await Promise.all(
      tasks.map((x) => t.http.post(`/api/tasks/${x.taskId}/messages`, { content: 'go' })),
    );
    try {
      await within(hold.reached, 10_000, 'a first token');
      await fake.waitForRequests(before + 5, 10_000);
      expect(await phases(posted.map((p) => p.body.data.assistant.id as string))).toEqual(
        Array(5).fill('running'),
      );
    } finally {
      gate.releaseAll();
    }
    const replies = await Promise.all(posted.map((p) => waitForReply(t.db, p.body.data.assistant.id)));
    expect(replies.map((r) => [r.status, r.content])).toEqual(Array(5).fill(['completed', 'one two three']));
  });

  it('never runs more than AGENT_CONCURRENCY replies at once in a process, and runs that many', async () => {
    const capped = await startAgentApp({
      ...FAST_AGENT_ENV,
      OPENAI_BASE_URL: fake.baseUrl,
      AGENT_CONCURRENCY: '2',
    });
    try {
      const tasks = await Promise.all([1, 2, 3, 4, 5].map((i) => createTask(capped.http, `Capped ${i}`)));
      const posted = await Promise.all(
        tasks.map((x) => capped.http.post(`/api/tasks/${x.taskId}/messages`, { content: 'go' })),
      );
      const replies = await Promise.all(posted.map((p) => waitForReply(capped.db, p.body.data.assistant.id)));
      expect(replies.map((r) => r.status)).toEqual(Array(5).fill('completed'));
      // Claimed (started_at) to ended (finished_at): how many overlapped at each claim.
      const spans = replies.map((r) => [r.started_at.getTime(), r.finished_at.getTime()] as const);
      const overlap = spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length);
      expect(Math.max(...overlap)).toBe(2);
    } finally {
      await capped.close();
    }
  });
});
