import type { Writable } from 'node:stream';
import type pg from 'pg';

// node-postgres: its socket, which it does not expose (docs/adapters.md). Corking it around a
// pipelined transaction (commands/message-pipeline.ts) makes BEGIN … COMMIT one write, so
// Postgres wakes once, not once per statement. test/integration/adapters.test.ts pins the
// version and checks the field; without it the pipeline still works, with more writes.

/** The pg version this was checked against; adapters.test.ts fails on any other. */
export const PG_VERIFIED = '8.23.1';

export type Corkable = Pick<Writable, 'cork' | 'uncork'>;

/** The connected client's socket (`client.connection.stream`), undefined if pg moved it. */
export function clientSocket(client: pg.ClientBase): Corkable | undefined {
  const stream = (client as unknown as { connection?: { stream?: Partial<Writable> } }).connection?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function'
    ? (stream as Corkable)
    : undefined;
}
