import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createChatModel, modelCache, parseModelRef } from './models';

// Model names come from boards and tasks, so one client per name must not grow without bound.

describe('the chat-model cache', () => {
  it('reuses a client per model and keeps at most AGENT_MODEL_CACHE_MAX, least recently used out', () => {
    const config = loadConfig({ LLM_PROVIDER: 'openai', AGENT_MODEL_CACHE_MAX: '3' });
    const ref = (name: string) => parseModelRef(name, 'openai');
    const first = createChatModel(config, ref('m0'));
    expect(createChatModel(config, ref('m0'))).toBe(first);
    for (let i = 1; i < 50; i++) {
      createChatModel(config, ref(`m${i}`));
      expect(modelCache(config).size).toBeLessThanOrEqual(3);
    }
    const recent = createChatModel(config, ref('m49'));
    expect(createChatModel(config, ref('m49'))).toBe(recent);
    expect(createChatModel(config, ref('m0'))).not.toBe(first); // evicted long ago: rebuilt
  });
});
