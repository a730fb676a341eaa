import type pg from 'pg';
import type { PgBoss, SendOptions } from 'pg-boss';

// pg-boss: send() on a connection whose transaction is being pipelined
// (commands/message-pipeline.ts). `options.db` is public API; what is not documented is that
// send() runs exactly one statement through it (the job insert) and runs it before anything
// else awaits: this resolves as soon as that statement is queued on the client, so the caller
// can queue COMMIT behind it without a round trip. adapters.test.ts pins the version and checks
// the one-statement behaviour on a real pg-boss.

/** The pg-boss version this was checked against; adapters.test.ts fails on any other. */
export const PG_BOSS_VERIFIED = '12.35.0';

/**
 * Sends the job through `client`; resolves with the promise of its insert (boxed: a promise
 * resolved with a promise would wait for it). `name` names a prepared statement per SQL text.
 */
export function sendOnClient(
  boss: PgBoss,
  client: pg.PoolClient,
  queue: string,
  data: object,
  options: Omit<SendOptions, 'db'>,
  name: (text: string) => string,
): Promise<{ result: Promise<unknown> }> {
  let queued!: (statement: { result: Promise<unknown> }) => void;
  const statement = new Promise<{ result: Promise<unknown> }>((resolve) => (queued = resolve));
  const db = {
    executeSql(text: string, values?: unknown[]) {
      const result = client.query({ name: name(text), text, values });
      queued({ result });
      return result;
    },
  };
  const sent = boss.send(queue, data, { ...options, db });
  sent.catch(() => undefined); // a failed insert is reported through its statement
  // send() can also fail before it writes anything (say, an unknown queue): then that is the error.
  return Promise.race([
    statement,
    sent.then(() => {
      throw new Error('pg-boss finished send() without running its insert');
    }),
  ]);
}
