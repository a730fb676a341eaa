import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';

// One reply per task at a time, in order (key_strict_fifo keyed by task, enforced by the
// database); different tasks stream at the same time up to AGENT_CONCURRENCY.

let fake: FakeLlm;
let t: AgentApp;
beforeAll(async () => {
  fake = await startFakeLlm();
  // Echo the question, slowly enough that overlapping runs would be visible.
  fake.setDefault((body: { messages: { content: string }[] }) => ({
    text: `re: ${body.messages.at(-1)!.content} ${'x '.repeat(8)}`,
    paceMs: 15,
  }));
  t = await startAgentApp({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl, AGENT_CONCURRENCY: '6' });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const requestsFor = (title: string) =>
  fake.requests.filter((r) => String(r.body.messages[0].content).includes(title));

describe('ordering', () => {
  it('answers five quick messages to one task one at a time, in order', async () => {
    const title = 'Ordered task';
    const { taskId } = await createTask(t.http, title);
    const posted = [];
    for (let i = 1; i <= 5; i++)
      posted.push(await t.http.post(`/api/tasks/${taskId}/messages`, { content: `q${i}` }));
    const replies = [];
    for (const p of posted) replies.push(await waitForReply(t.db, p.body.data.assistant.id));
    expect(replies.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    expect(replies.map((r) => r.content.split(' ')[1])).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    // The provider saw them in order, each only after the previous reply had finished.
    const reqs = requestsFor(title);
    expect(reqs.map((r) => r.body.messages.at(-1).content)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    for (let i = 1; i < 5; i++)
      expect(reqs[i]!.at).toBeGreaterThanOrEqual(replies[i - 1]!.finished_at.getTime() - 5);
    // Each later prompt carries the earlier answers as history.
    expect(reqs[4]!.body.messages).toHaveLength(1 + 9);
  });

  it('streams five tasks at once', async () => {
    const tasks = await Promise.all([1, 2, 3, 4, 5].map((i) => createTask(t.http, `Parallel task ${i}`)));
    const posted = await Promise.all(
      tasks.map((x) => t.http.post(`/api/tasks/${x.taskId}/messages`, { content: 'go' })),
    );
    const replies = await Promise.all(posted.map((p) => waitForReply(t.db, p.body.data.assistant.id)));
    expect(replies.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    // Every run had started before the first one finished.
    const firstFinish = Math.min(...replies.map((r) => r.finished_at.getTime()));
    const lastStart = Math.max(...replies.map((r) => r.started_at.getTime()));
    expect(lastStart).toBeLessThan(firstFinish);
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
