import { createResource, createRoot } from 'solid-js';
import { modelsApi } from './agents-api';
import type { ModelInfo } from './types';

// The models the server offers (`GET /api/models`), read once per page when a picker first needs
// them. A server without the endpoint (or a failed read) leaves the list empty and the pickers
// take a typed name instead.

let models: (() => ModelInfo[] | null | undefined) | undefined;

/** undefined while loading, null when the server has no list, else the models. Read on first use. */
export const availableModels = () => {
  models ??= createRoot(() => {
    const [list] = createResource<ModelInfo[] | null>(() =>
      modelsApi.list().then(
        (r) => r.data,
        () => null,
      ),
    );
    return () => list();
  });
  return models();
};

/** "GPT-4o mini · $0.15 / $0.60 per 1M tokens", "Demo (offline)". */
export function modelLabel(m: ModelInfo): string {
  if (m.demo) return `${m.label} (demo, offline)`;
  if (!m.priceIn && !m.priceOut) return m.label;
  return `${m.label} · $${m.priceIn} / $${m.priceOut} per 1M tokens`;
}
