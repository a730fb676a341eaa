import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { modelChain, parseModelRef } from './models';
import { costOf, modelCatalog, priceOf } from './prices';
import { usd } from './budget';

// The price table (AGENT_PRICES), the catalog of models a task may name, and the model order.

const prices = JSON.stringify({ 'openai:gpt-4o': { in: 2.5, out: 10 }, 'llama3.1': { in: 0.1, out: 0.2 } });

describe('AGENT_PRICES', () => {
  it('is validated JSON of dollars per million tokens', () => {
    expect(loadConfig({ AGENT_PRICES: prices }).AGENT_PRICES['openai:gpt-4o']).toEqual({ in: 2.5, out: 10 });
    expect(loadConfig({}).AGENT_PRICES).toEqual({});
    for (const bad of [
      '{',
      '[]',
      '{"m":{"in":-1,"out":1}}',
      '{"m":{"in":1}}',
      '{"m":{"in":1,"out":1,"x":2}}',
      '{"m":5}',
    ])
      expect(() => loadConfig({ AGENT_PRICES: bad }), bad).toThrow(ConfigError);
    expect(() => loadConfig({ AGENT_PRICES: '{' })).toThrow(/AGENT_PRICES: must be JSON/);
  });

  it('prices a model by provider:model, else by its bare name for the configured provider; else free', () => {
    const c = loadConfig({ LLM_PROVIDER: 'ollama', AGENT_PRICES: prices });
    expect(priceOf(c, parseModelRef('openai:gpt-4o', 'ollama'))).toEqual({ in: 2.5, out: 10 });
    expect(priceOf(c, parseModelRef('llama3.1', 'ollama'))).toEqual({ in: 0.1, out: 0.2 });
    expect(priceOf(c, parseModelRef('openai:llama3.1', 'ollama'))).toEqual({ in: 0, out: 0 });
    expect(priceOf(c, parseModelRef('demo', 'ollama'))).toEqual({ in: 0, out: 0 });
  });

  it('costs are exact decimals (nanodollars), not float noise', () => {
    expect(costOf({ in: 2.5, out: 10 }, 1000, 100)).toBe('0.0035');
    expect(costOf({ in: 0.1, out: 0.2 }, 3, 3)).toBe('0.0000009');
    expect(costOf({ in: 0, out: 0 }, 1e6, 1e6)).toBe('0');
    expect(costOf({ in: 0.15, out: 0.6 }, 7, 0)).toBe('0.00000105');
  });

  it('amounts read as a person writes them', () => {
    expect(usd('5.0234')).toBe('$5.02');
    expect(usd(0)).toBe('$0.00');
    expect(usd('0.000421')).toBe('$0.00042');
  });
});

describe('the model catalog', () => {
  it('offers demo, the configured model, fallbacks and priced models, once each', () => {
    const c = loadConfig({
      LLM_PROVIDER: 'openai',
      LLM_MODEL: 'gpt-4o',
      LLM_FALLBACKS: 'ollama:llama3.1,openai:gpt-4o',
      AGENT_PRICES: prices,
    });
    const cat = modelCatalog(c);
    expect(cat.list.map((m) => m.id)).toEqual([
      'demo',
      'openai:gpt-4o',
      'ollama:llama3.1',
      'openai:llama3.1',
    ]);
    expect(cat.find('gpt-4o')?.id).toBe('openai:gpt-4o');
    expect(cat.find(' openai:gpt-4o ')?.priceOut).toBe(10);
    expect(cat.find('gpt-5')).toBeUndefined();
    expect(cat.find('anthropic:claude')).toBeUndefined();
    expect(modelCatalog(loadConfig({})).list).toEqual([
      { id: 'demo', label: expect.any(String), provider: 'demo', priceIn: 0, priceOut: 0, demo: true },
    ]);
  });

  it('resolves task, then agent, then board, then config', () => {
    const c = loadConfig({ LLM_PROVIDER: 'openai', LLM_MODEL: 'conf' });
    const first = (...a: Parameters<typeof modelChain> extends [unknown, ...infer R] ? R : never) =>
      modelChain(c, ...a)[0]!.model;
    expect(first('task', 'board', 'agent')).toBe('task');
    expect(first(null, 'board', 'agent')).toBe('agent');
    expect(first(null, 'board', null)).toBe('board');
    expect(first(null, null)).toBe('conf');
  });
});
