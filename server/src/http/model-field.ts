import type { ModelCatalog } from '../agent/prices';
import { badRequest } from './problem';

/** Route deps that know the server's models (app.ts gives every route the same catalog). */
export interface WithModels {
  models?: ModelCatalog;
}

/**
 * A model named by a task, an agent or a board must be one this server offers (GET /api/models):
 * a typo would only surface later, as a reply that fails. 400 naming the field otherwise.
 */
export function checkModel(
  catalog: ModelCatalog | undefined,
  value: string | null | undefined,
  path: string,
) {
  if (!catalog || value == null || catalog.find(value)) return;
  const offered = catalog.list.map((m) => m.id).join(', ');
  const message = `"${value.slice(0, 200)}" is not a model this server offers (${offered})`;
  throw badRequest(`${path}: ${message}`, [{ path, message }]);
}
