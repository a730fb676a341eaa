import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import { DemoChatModel } from './demo-model';

// One factory from config: which provider and model a reply uses, and the LangChain model for it.

export const PROVIDERS = ['demo', 'openai', 'anthropic', 'ollama'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ModelRef {
  provider: Provider;
  model: string;
}

const DEFAULT_MODEL: Record<Provider, string> = {
  demo: 'demo',
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  ollama: 'llama3.1',
};

/** "openai:gpt-4o" → that provider; "gpt-4o" → the configured provider; "demo" → the demo model. */
export function parseModelRef(name: string, defaultProvider: Provider): ModelRef {
  if (name === 'demo') return { provider: 'demo', model: 'demo' };
  const i = name.indexOf(':');
  const head = i > 0 ? name.slice(0, i) : '';
  if ((PROVIDERS as readonly string[]).includes(head))
    return { provider: head as Provider, model: name.slice(i + 1) };
  return { provider: defaultProvider, model: name };
}

/** The models to try in order: the task's, else the board's, else config; then LLM_FALLBACKS. */
export function modelChain(
  config: Pick<Config, 'LLM_PROVIDER' | 'LLM_MODEL' | 'LLM_FALLBACKS'>,
  taskModel: string | null,
  boardModel: string | null | undefined,
): ModelRef[] {
  const provider = config.LLM_PROVIDER;
  const primary = parseModelRef(
    taskModel ?? boardModel ?? config.LLM_MODEL ?? DEFAULT_MODEL[provider],
    provider,
  );
  const chain = [primary, ...config.LLM_FALLBACKS.map((f) => parseModelRef(f, provider))];
  return chain.filter(
    (r, i) => chain.findIndex((o) => o.provider === r.provider && o.model === r.model) === i,
  );
}

/** The label stored on the message: "demo" for the demo model, else provider:model. */
export const modelLabel = (r: ModelRef) => (r.provider === 'demo' ? 'demo' : `${r.provider}:${r.model}`);

// A model object holds no per-call state (the messages, signal and callbacks come with each
// stream() call), so one per config and model is reused: building a ChatOpenAI (and its
// OpenAI client) for every reply was measurable on the path to the first token. Model names come
// from boards and tasks (user input), so the cache is bounded: least recently used goes.
const cache = new WeakMap<Config, LRUCache<string, BaseChatModel>>();

/** The cached clients for a config (tests read its size). */
export function modelCache(config: Config): LRUCache<string, BaseChatModel> {
  let models = cache.get(config);
  if (!models) cache.set(config, (models = new LRUCache({ max: config.AGENT_MODEL_CACHE_MAX })));
  return models;
}

/** `temperature`: the agent's (null or undefined: the provider's default). */
export function createChatModel(config: Config, ref: ModelRef, temperature?: number | null): BaseChatModel {
  const models = modelCache(config);
  const t = temperature ?? undefined;
  const key = `${ref.provider}:${ref.model}${t === undefined ? '' : `@${t}`}`;
  let model = models.get(key);
  if (!model) models.set(key, (model = buildChatModel(config, ref, t)));
  return model;
}

function buildChatModel(config: Config, ref: ModelRef, temperature: number | undefined): BaseChatModel {
  const t = temperature === undefined ? {} : { temperature };
  switch (ref.provider) {
    case 'demo':
      return new DemoChatModel(config.DEMO_TOKEN_MS);
    case 'openai':
      // Retries are ours (agent/attempts.ts), so each one is a recorded agent_runs row.
      return new ChatOpenAI({
        model: ref.model,
        ...t,
        apiKey: config.OPENAI_API_KEY ?? 'not-needed',
        streaming: true,
        streamUsage: true,
        maxRetries: 0,
        configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {},
      });
    case 'anthropic':
      return new ChatAnthropic({
        model: ref.model,
        ...t,
        apiKey: config.ANTHROPIC_API_KEY ?? 'not-set',
        streaming: true,
        maxRetries: 0,
        ...(config.ANTHROPIC_BASE_URL ? { anthropicApiUrl: config.ANTHROPIC_BASE_URL } : {}),
      });
    case 'ollama':
      return new ChatOllama({ model: ref.model, ...t, baseUrl: config.OLLAMA_BASE_URL, maxRetries: 0 });
  }
}
