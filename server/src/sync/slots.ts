import { randomBytes } from 'node:crypto';
import type { Client, Pool } from 'pg';
import type { Logger } from 'pino';

// One logical replication slot per app instance, named kanban_<random>. While an instance lives it
// holds a session advisory lock keyed by its slot name on its replication connection, so a second
// instance starting at the same moment can tell a live peer's idle slot from a crashed run's.

export const SLOT_PREFIX = 'kanban_';
const LOCK_CLASS = 0x6b62; // "kb": keeps our advisory keys apart from the app's other locks

export function newSlotName(): string {
  return `${SLOT_PREFIX}${randomBytes(8).toString('hex')}`;
}

// Replication connections only speak the simple query protocol: no $n parameters. Slot names are
// ours ([a-z0-9_]), checked here so interpolating them is safe.
function literal(slot: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(slot)) throw new Error(`bad slot name ${slot}`);
  return `'${slot}'`;
}

/**
 * Drops the inactive slots of earlier runs on this database. A slot is only dropped if its lock is
 * free: a peer that created its slot but has not started streaming yet still holds the lock.
 */
export async function dropStaleSlots(pool: Pool, log: Logger): Promise<string[]> {
  const client = await pool.connect();
  const dropped: string[] = [];
  try {
    const { rows } = await client.query<{ slot_name: string }>(
      `SELECT slot_name FROM pg_replication_slots
        WHERE database = current_database() AND NOT active AND starts_with(slot_name, $1)`,
      [SLOT_PREFIX],
    );
    for (const { slot_name } of rows) {
      const { rows: got } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
        [LOCK_CLASS, slot_name],
      );
      if (!got[0]?.ok) continue;
      try {
        await client.query(
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [slot_name],
        );
        dropped.push(slot_name);
        log.info({ slot: slot_name }, 'dropped the replication slot of an earlier run');
      } catch (err) {
        log.warn({ err, slot: slot_name }, 'could not drop a stale replication slot');
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, slot_name]);
      }
    }
  } finally {
    client.release();
  }
  return dropped;
}

/**
 * On the replication connection, before streaming: take the slot's lock, create the slot if it
 * does not exist. Returns true when the slot was (re)created, i.e. the stream starts from now.
 */
export async function prepareSlot(client: Client, slot: string): Promise<boolean> {
  await client.query(`SELECT pg_advisory_lock(${LOCK_CLASS}, hashtext(${literal(slot)}))`);
  const { rows } = await client.query(
    `SELECT 1 FROM pg_replication_slots WHERE slot_name = ${literal(slot)}`,
  );
  if (rows.length > 0) return false;
  await client.query(`CREATE_REPLICATION_SLOT "${slot}" LOGICAL pgoutput NOEXPORT_SNAPSHOT`);
  return true;
}

/** Drops our slot after the stream stopped; the walsender may need a moment to let go of it. */
export async function dropSlot(pool: Pool, slot: string, log: Logger): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await pool.query(
        'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
        [slot],
      );
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 55006: slot still active (the walsender is exiting)
      if (code !== '55006' || Date.now() > deadline) {
        log.warn({ err, slot }, 'could not drop the replication slot');
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
