import { describe, expect, it } from 'vitest';
import { HumanMessage } from '@langchain/core/messages';
import { MemorySaver } from '@langchain/langgraph';
import { createMiddleware } from 'langchain';
import { z } from 'zod';
import { DemoChatModel } from './demo-model';
import { createReplyAgent, IdleWatchdog, streamAttempt } from './reply-agent';

// streamAttempt runs the compiled graph's own stream (no state read before a new run), which is
// only the agent's own stream while no middleware has state: createReplyAgent refuses one that does.

const hooks = () => {
  let rounds = 0;
  return {
    model: () => new DemoChatModel(0),
    started: () => undefined,
    ended: () => void rounds++,
    rounds: () => rounds,
  };
};

describe('createReplyAgent', () => {
  it('streams a run through the compiled graph, approvals middleware included', async () => {
    const agent = createReplyAgent({
      hooks: hooks(),
      checkpointer: new MemorySaver(),
      maxRounds: 3,
      approvals: ['move_task'],
    });
    let text = '';
    await streamAttempt(
      agent,
      { messages: [new HumanMessage('Hello')] },
      new IdleWatchdog(60_000, () => undefined),
      new AbortController(),
      { threadId: 'unit-thread', onToken: (t) => void (text += t) },
    );
    expect(text).toContain('You wrote: "Hello"');
  });

  it('refuses a middleware with state, which the graph-level stream would not initialise', () => {
    const stateful = createMiddleware({
      name: 'Counts',
      stateSchema: z.object({ count: z.number().default(0) }),
    });
    expect(() =>
      createReplyAgent({ hooks: hooks(), checkpointer: new MemorySaver(), maxRounds: 3, outer: [stateful] }),
    ).toThrow(/middleware Counts has state/);
  });
});
