import { describe, expect, it } from 'vitest';
import { HumanMessage } from '@langchain/core/messages';
import { demoReply } from './demo-model';

describe('demo model replies', () => {
  it('answers a request for code with a fenced bash block', () => {
    const reply = demoReply([new HumanMessage('Show me an example command for a real model')]);
    expect(reply).toMatch(/```bash\n[\s\S]*LLM_PROVIDER=openai[\s\S]*\n```/);
  });

  it('otherwise says it is the demo and how to configure a provider', () => {
    const reply = demoReply([new HumanMessage('Hello')]);
    expect(reply).not.toContain('```');
    expect(reply).toContain('LLM_PROVIDER=openai');
    expect(reply).toContain('You wrote: "Hello"');
  });
});
