import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  FAST_AGENT_ENV,
  startAgentApp,
  subscribe,
  waitFor,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';

// Late join and reconnect, 100 randomized trials over two streamed replies: whatever moment a
// client joins (or drops and comes back), its checkpointed row content plus the deltas it
// receives rebuild exactly the final text: no gap, no duplicate.

let fake: FakeLlm;
let t: AgentApp;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  fake = await startFakeLlm();
  t = await startAgentApp({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl, AGENT_CHECKPOINT_MS: '40' });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.close();
  await fake?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Joins: subscribe first, then read the row, so nothing falls between the two. */
async function join(merger: DeltaMerger, taskId: string, replyId: string) {
  const s = await connectSocket(t.url);
  sockets.push(s);
  s.on('message.delta', (d) => d.messageId === replyId && merger.apply(d));
  expect(await subscribe(s, taskId)).toEqual({ ok: true });
  const hist = await t.http.get(`/api/tasks/${taskId}/messages`);
  const row = hist.body.data.find((m: { id: string }) => m.id === replyId);
  merger.seed(replyId, row.content);
  return s;
}

describe('late join and reconnect', () => {
  it('100 randomized trials rebuild the exact final text', async () => {
    for (const round of [0, 1]) {
      const { taskId } = await createTask(t.http, `Late join ${round}`);
      const words = Array.from({ length: 300 }, (_, i) => `w${i}${i % 7 === 0 ? '\n' : ' '}`);
      fake.enqueue({ text: words, paceMs: 2 });
      const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'stream a lot' });
      const replyId = res.body.data.assistant.id as string;
      const streamMs = 700;
      const trials = Array.from({ length: 50 }, async (_, i) => {
        const merger = new DeltaMerger();
        await sleep(Math.random() * streamMs); // the random join moment
        const s = await join(merger, taskId, replyId);
        if (i % 2 === 1) {
          // Reconnect: drop, miss some deltas, come back on a new connection.
          await sleep(Math.random() * 150);
          s.disconnect();
          await sleep(Math.random() * 150);
          await join(merger, taskId, replyId);
        }
        return merger;
      });
      const mergers = await Promise.all(trials);
      const done = await waitForReply(t.db, replyId);
      expect(done.status).toBe('completed');
      expect(done.content).toBe(words.join(''));
      for (const m of mergers) {
        // A client that joined after the end has the text from the row alone.
        await waitFor(() => m.texts.get(replyId) === done.content, 5000, 'a client to converge').catch(
          () => undefined,
        );
        expect(m.texts.get(replyId)).toBe(done.content);
        expect(m.waiting(replyId)).toBe(0);
      }
    }
  });
});
