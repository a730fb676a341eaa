import { FetchError, type ShapeStreamOptions } from '@electric-sql/client';
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
    // Live updates over one SSE stream per shape instead of a request per change: in
    // `npm run bench -- sync-fanout` commit → every subscriber p99 was 334 ms over SSE against
    // 1,265 ms over long-poll at 100 subscribers (docs/sync.md, "Performance"). The client falls
    // back to long-polling by itself if a proxy buffers the streams.
    liveSse: true,
    // Keep retrying through a server restart; the server answers again within seconds.
    backoffOptions: { initialDelay: 100, maxDelay: 2000, multiplier: 1.6 },
    // Signed out (401) or no longer a member (403): stop; the app shows sign-in or drops the
    // board from the list. Anything else (a restart, a proxy hiccup) is retried.
    onError: (err) =>
      err instanceof FetchError && (err.status === 401 || err.status === 403) ? undefined : {},
  };
}
