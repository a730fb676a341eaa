import type { Kysely, Transaction } from 'kysely';
import type { WriteResult } from '@kanban/shared';
import type { Database } from '../db/schema';
import { currentTxid } from '../db/txid';
import type { Actor } from '../auth/actor';
import type { AgentTriggers } from './agent-triggers';

export interface CommandDeps {
  db: Kysely<Database>;
  /** Who asks; every command authorizes it (policy/) and records it on what it writes. */
  actor: Actor;
  /** Sets agents to work (delegation, column hooks); absent without the agent pipeline. */
  agents?: AgentTriggers;
}

/** The actor's user id for created_by / updated_by; null for the system actor. */
export const actorId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

export type Trx = Transaction<Database>;

/** The result of an idempotent replay: the stored row and the xid that last wrote it. */
export class Replay<T> {
  constructor(
    readonly data: T,
    readonly txid: number,
  ) {}
}

/**
 * A result whose txid the command read itself, in the RETURNING of its last write
 * (db/txid.ts `txidColumn`): write() answers it without a round trip of its own for the txid.
 */
export class Written<T> extends Replay<T> {}

/** Attempts of one write transaction when Postgres rolls it back for a concurrent writer. */
export const WRITE_ATTEMPTS = 3;

// 40P01 deadlock_detected, 40001 serialization_failure: Postgres rolled the whole transaction
// back because of another writer, and running it again is safe (a command is one transaction,
// its checks are re-read inside it). Writers keep one lock order (message-locks.ts), so this is
// for independent writers that still meet (a task deleted as its reply starts, …).
const RETRYABLE = new Set(['40P01', '40001']);
export const isRetryable = (err: unknown) =>
  typeof err === 'object' && err !== null && RETRYABLE.has((err as { code?: unknown }).code as string);

/**
 * Runs one write transaction and answers `{ data, txid }`, the txid read inside that
 * same transaction so the client can wait for it in the shape stream. A deadlock or
 * serialization failure runs it again, up to WRITE_ATTEMPTS in all.
 */
export async function write<T>(
  deps: CommandDeps,
  fn: (trx: Trx) => Promise<T | Replay<T>>,
): Promise<WriteResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const out = await fn(trx);
        if (out instanceof Replay) return { data: out.data, txid: out.txid };
        return { data: out, txid: await currentTxid(trx) };
      });
    } catch (err) {
      if (attempt >= WRITE_ATTEMPTS || !isRetryable(err)) throw err;
    }
  }
}
