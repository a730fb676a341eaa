import type pg from 'pg';
import { clientSocket } from '../adapters/pg';

// A transaction sent as ONE round trip: node-postgres's pipeline mode writes every statement at
// once and the server runs them in order. Nothing can branch on an earlier result, so the
// statements must make any problem an error: after one, Postgres ignores the rest ("current
// transaction is aborted") and turns COMMIT into ROLLBACK. Used by the message post, the first
// leg of "message → first token", where each round trip costs milliseconds on a busy machine.

export interface PipelinePool {
  connect(): Promise<pg.PoolClient>;
}

/** What `statements` queues on the client; the promises settle as the results come back. */
export type Statements = (client: pg.PoolClient) => Promise<Promise<unknown>[]>;

/** The first error a pipelined statement raised (the later ones only echo the abort). */
export class PipelineError extends Error {
  /** The SQLSTATE, e.g. 23505 for a unique violation. */
  readonly code: string | undefined;
  constructor(
    readonly first: Error & { code?: string },
    /** Each statement's outcome, in order: what ran before the error can explain it. */
    readonly results: PromiseSettledResult<unknown>[],
  ) {
    super(first.message);
    this.code = first.code;
  }
}

/**
 * Runs BEGIN, the statements `queue` sends (it resolves once all are written to the client, in
 * order), and COMMIT, in one round trip. Throws the first statement error as a PipelineError
 * (nothing was committed), else returns the statements' results.
 */
export async function pipelinedTransaction(pool: PipelinePool, queue: Statements): Promise<unknown[]> {
  const client = await pool.connect();
  // node-postgres corks its socket around each query's messages; corking around the whole
  // transaction makes it one write, so Postgres is woken once, not once per statement. (Its
  // socket is not public API, adapters/pg.ts: without it this is only more writes.)
  const socket = clientSocket(client);
  let broken: Error | undefined;
  try {
    socket?.cork();
    const begin = client.query('BEGIN');
    let sent: Promise<unknown>[];
    try {
      sent = await queue(client);
    } catch (err) {
      // Nothing of ours may commit if queuing itself failed.
      socket?.uncork();
      await client.query('ROLLBACK').catch(() => undefined);
      await begin.catch(() => undefined);
      throw err;
    }
    const commit = client.query('COMMIT');
    socket?.uncork();
    const results = await Promise.allSettled([begin, ...sent, commit]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new PipelineError(failed.reason as Error, results.slice(1, -1));
    const done = (results.at(-1) as PromiseFulfilledResult<pg.QueryResult>).value;
    if (done.command !== 'COMMIT') throw new Error(`the transaction ended with ${done.command}`);
    return results.slice(1, -1).map((r) => (r as PromiseFulfilledResult<unknown>).value);
  } catch (err) {
    if (!(err instanceof PipelineError)) broken = err as Error;
    throw err;
  } finally {
    // A connection whose pipeline state is unknown is not handed to the next request.
    client.release(broken);
  }
}
