import { sql, type Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * The 32-bit xid of the current transaction, as the replication stream reports it.
 * Must run inside the write's own transaction: the client waits for this number in the shape.
 */
export async function currentTxid(trx: Transaction<Database>): Promise<number> {
  const { rows } = await sql<{ txid: string }>`SELECT pg_current_xact_id()::xid::text AS txid`.execute(trx);
  return Number(rows[0]!.txid);
}

/** The xid that last wrote a row (its xmin); what an idempotent replay of a create answers. */
export function xminOf(value: string | number): number {
  return Number(value);
}

/** The same xid as a RETURNING column (`txid`), to read it in a write's own statement. */
export const txidColumn = sql<string>`pg_current_xact_id()::xid::text`.as('txid');
