import type { ShapeStreamOptions } from '@electric-sql/client';
import { trackedFetch } from './connection';

// Our server defines the shapes (`/api/shapes/:name?board=…`); the client only names them.
// Values arrive in Postgres text form: int8 stays a string (seq is compared as a number where
// needed), jsonb is parsed by the client, timestamps stay ISO-like strings.
// E is Electric's row-extension type parameter; it is inferred from where the options go.
export function shapeOptions<E = never>(
  name: string,
  params: Record<string, string> = {},
): ShapeStreamOptions<E> {
  const url = new URL(`/api/shapes/${name}`, window.location.origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return {
    url: url.toString(),
    parser: { int8: (v: string) => v },
    fetchClient: trackedFetch,
    // Keep retrying through a server restart; the server answers again within seconds.
    backoffOptions: { initialDelay: 100, maxDelay: 2000, multiplier: 1.6 },
    onError: () => ({}),
  };
}
