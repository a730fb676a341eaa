import type { Kysely, Transaction } from 'kysely';
import type { WriteResult } from '@kanban/shared';
import type { Database } from '../db/schema';
import { currentTxid } from '../db/txid';
import type { Actor } from '../auth/actor';

export interface CommandDeps {
  db: Kysely<Database>;
  /** Who asks; every command authorizes it (policy/) and records it on what it writes. */
  actor: Actor;
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
 * Runs one write transaction and answers `{ data, txid }`, the txid read inside that
 * same transaction so the client can wait for it in the shape stream.
 */
export async function write<T>(
  deps: CommandDeps,
  fn: (trx: Trx) => Promise<T | Replay<T>>,
): Promise<WriteResult<T>> {
  return deps.db.transaction().execute(async (trx) => {
    const out = await fn(trx);
    if (out instanceof Replay) return { data: out.data, txid: out.txid };
    return { data: out, txid: await currentTxid(trx) };
  });
}
