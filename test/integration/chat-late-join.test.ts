import { describe, expect } from 'vitest';
import type { FakeLlm } from '../support/fake-llm';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  subscribe,
  waitForReply,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { withFixtures } from '../support/fixtures';
import { prng, testSeed, tokenGate, within } from '../support/gate';

// Late join and reconnect, 100 trials over two streamed replies. Each trial's moments (join,
// drop, come back) are tokens chosen by a seeded PRNG, made real by holding the fake model's
// stream at those tokens. Whatever the moment, the row read at the join plus the deltas that
// arrive after it rebuild exactly the final text: no gap, no duplicate.

const it = withFixtures({ agentEnv: { AGENT_CHECKPOINT_MS: '40' } });
let fake: FakeLlm;
let t: AgentApp;
const sockets: ClientSocket[] = [];
it.beforeAll(({ agentApp, fakeLlm }) => {
  t = agentApp;
  fake = fakeLlm;
});
it.afterAll(() => {
  for (const s of sockets) s.disconnect();
});

const TOKENS = 300;
const TRIALS = 50; // per reply

interface Trial {
  merger: DeltaMerger;
  socket?: ClientSocket;
  /** Token index of the last (re)join, the row read then, and how many deltas it had before. */
  joinedAt: number;
  rowAtJoin: string;
  receivedBefore: number;
}

type Step = { trial: Trial; kind: 'join' | 'drop' };

/** Joins: subscribe first, then read the row, so nothing falls between the two. */
async function join(trial: Trial, taskId: string, replyId: string, at: number) {
  const s = await connectSocket(t.url);
  sockets.push(s);
  s.on('message.delta', (d) => d.messageId === replyId && trial.merger.apply(d));
  expect(await subscribe(s, taskId)).toEqual({ ok: true });
  trial.receivedBefore = trial.merger.received.length;
  const hist = await t.http.get(`/api/tasks/${taskId}/messages`);
  trial.rowAtJoin = hist.body.data.find((m: { id: string }) => m.id === replyId).content;
  trial.merger.seed(replyId, trial.rowAtJoin);
  trial.socket = s;
  trial.joinedAt = at;
}

describe('late join and reconnect', () => {
  const seed = testSeed(5864);
  it(`100 trials at seeded moments rebuild the exact final text (seed ${seed})`, async () => {
    const random = prng(seed);
    const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
    for (const round of [0, 1]) {
      const { taskId } = await createTask(t.http, `Late join ${round}`);
      const words = Array.from({ length: TOKENS }, (_, i) => `w${i}${i % 7 === 0 ? '\n' : ' '}`);
      const prefix = (k: number) => words.slice(0, k).join('');
      // Odd trials reconnect: drop after a while, miss some deltas, come back on a new socket.
      const steps = new Map<number, Step[]>();
      const at = (k: number, step: Step) => steps.set(k, [...(steps.get(k) ?? []), step]);
      const trials: Trial[] = Array.from({ length: TRIALS }, (_, i) => {
        const trial: Trial = { merger: new DeltaMerger(), joinedAt: -1, rowAtJoin: '', receivedBefore: 0 };
        const joinAt = pick(1, TOKENS - 40);
        at(joinAt, { trial, kind: 'join' });
        if (i % 2 === 1) {
          const dropAt = joinAt + pick(1, 15);
          at(dropAt, { trial, kind: 'drop' });
          at(dropAt + pick(1, 15), { trial, kind: 'join' });
        }
        return trial;
      });
      const gate = tokenGate();
      const holds = [...steps.keys()].sort((a, b) => a - b).map((k) => ({ k, hold: gate.holdAt(k) }));
      // A watcher from the start tells when every token sent so far has been delivered.
      const watcher = new DeltaMerger();
      const w = await connectSocket(t.url);
      sockets.push(w);
      w.on('message.delta', (d) => watcher.apply(d));
      expect(await subscribe(w, taskId)).toEqual({ ok: true });

      fake.enqueue({ text: words, beforeToken: (i) => gate.beforeToken(i) });
      const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'stream a lot' });
      const replyId = res.body.data.assistant.id as string;
      try {
        for (const { k, hold } of holds) {
          await within(hold.reached, 10_000, `the stream to reach token ${k}`);
          await within(
            watcher.whenText(replyId, (x) => x === prefix(k)),
            10_000,
            `delta ${k}`,
          );
          for (const { trial, kind } of steps.get(k)!)
            if (kind === 'join') await join(trial, taskId, replyId, k);
            else trial.socket!.disconnect();
          hold.release();
        }
      } finally {
        gate.releaseAll();
      }
      const done = await waitForReply(t.db, replyId);
      expect(done.status).toBe('completed');
      expect(done.content).toBe(words.join(''));
      for (const [i, trial] of trials.entries()) {
        const { merger, joinedAt, rowAtJoin, receivedBefore } = trial;
        await within(
          merger.whenText(replyId, (x) => x === done.content),
          10_000,
          `trial ${i} to converge`,
        );
        expect(merger.waiting(replyId)).toBe(0);
        // The row is never ahead of the stream; what the row lacked came as deltas after the join.
        expect(prefix(joinedAt).startsWith(rowAtJoin), `trial ${i}`).toBe(true);
        const after = merger.received.slice(receivedBefore);
        expect(
          after.some((d) => d.offset >= prefix(joinedAt).length),
          `trial ${i} got deltas after joining`,
        ).toBe(true);
      }
    }
  });
});
