import type { ModelInfo } from '@kanban/shared';
import type { Config } from '../config';
import { DEFAULT_MODEL, modelLabel, parseModelRef, type ModelRef } from './models';

// The price table (AGENT_PRICES) and the models this server offers: the configured model, its
// fallbacks, every priced model, and the offline demo. A task's, agent's or board's model must be
// one of them (a typo would otherwise only show up as a failed reply).

export interface Price {
  /** US dollars per million input (prompt) tokens. */
  in: number;
  /** US dollars per million output (completion) tokens. */
  out: number;
}

type PriceConfig = Pick<Config, 'AGENT_PRICES' | 'LLM_PROVIDER'>;
const FREE: Price = { in: 0, out: 0 };

/** A model's price: its "provider:model" key, else its bare name for the configured provider; else free. */
export function priceOf(config: PriceConfig, ref: ModelRef): Price {
  if (ref.provider === 'demo') return FREE;
  const table = config.AGENT_PRICES;
  const exact = table[`${ref.provider}:${ref.model}`];
  if (exact) return exact;
  const bare = table[ref.model];
  // A bare key names a model of LLM_PROVIDER, as a bare model name does everywhere else.
  if (bare && parseModelRef(ref.model, config.LLM_PROVIDER).provider === ref.provider) return bare;
  return FREE;
}

/** Cost in US dollars of one call, from its tokens (exact to the nanodollar, as a decimal string). */
export function costOf(price: Price, tokensIn: number, tokensOut: number): string {
  // Integer nanodollars keep sums exact; the database stores the decimal as given.
  const nano = Math.round((tokensIn * price.in + tokensOut * price.out) * 1000);
  return (nano / 1e9).toFixed(9).replace(/\.?0+$/, '') || '0';
}

export interface ModelCatalog {
  list: ModelInfo[];
  /** The catalog entry a stored model name means, or undefined for an unknown model. */
  find(name: string): ModelInfo | undefined;
}

type CatalogConfig = Pick<Config, 'AGENT_PRICES' | 'LLM_PROVIDER' | 'LLM_MODEL' | 'LLM_FALLBACKS'>;

export function modelCatalog(config: CatalogConfig): ModelCatalog {
  const provider = config.LLM_PROVIDER;
  const refs: ModelRef[] = [{ provider: 'demo', model: 'demo' }];
  if (provider !== 'demo') refs.push(parseModelRef(config.LLM_MODEL ?? DEFAULT_MODEL[provider], provider));
  for (const f of config.LLM_FALLBACKS) refs.push(parseModelRef(f, provider));
  for (const key of Object.keys(config.AGENT_PRICES)) refs.push(parseModelRef(key, provider));
  const byId = new Map<string, ModelInfo>();
  for (const ref of refs) {
    // The demo provider has one model, whatever name it is given.
    const r = ref.provider === 'demo' ? { provider: ref.provider, model: 'demo' } : ref;
    const id = modelLabel(r);
    if (byId.has(id)) continue;
    const price = priceOf(config, r);
    byId.set(id, {
      id,
      label: r.provider === 'demo' ? 'Demo (offline, no API key)' : `${r.model} (${r.provider})`,
      provider: r.provider,
      priceIn: price.in,
      priceOut: price.out,
      demo: r.provider === 'demo',
    });
  }
  const list = [...byId.values()];
  return {
    list,
    find(name) {
      const ref = parseModelRef(name.trim(), provider);
      return byId.get(ref.provider === 'demo' ? 'demo' : modelLabel(ref));
    },
  };
}
