import { randomBytes } from 'node:crypto';
import type { Client, Pool } from 'pg';
import type { Logger } from 'pino';

// One logical replication slot per app instance, named kanban_<random>. While an instance lives it
// holds a session advisory lock keyed by its slot name on its replication connection, so a second
// instance starting at the same moment can tell a live peer's idle slot from a crashed run's.

export const SLOT_PREFIX = 'kanban_';
const LOCK_CLASS = 0x6b62; // "kb": keeps our advisory keys apart from the app's other locks
/** Held by an instance adopting a kept slot until its stream runs (claimSlot). */
const CLAIM_CLASS = 0x6b63;

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
 * free: a peer that created its slot but has not started streaming yet still holds the lock. A
 * slot kept for a restart (sync_slots, seen within `retainMs`) is left for the restart to adopt,
 * and so is one another instance is adopting (its claim lock is taken).
 */
export async function dropStaleSlots(pool: Pool, log: Logger, retainMs = 0): Promise<string[]> {
  const client = await pool.connect();
  const dropped: string[] = [];
  try {
    const { rows } = await client.query<{ slot_name: string }>(
      `SELECT r.slot_name FROM pg_replication_slots r
        WHERE r.database = current_database() AND NOT r.active AND starts_with(r.slot_name, $1)
          AND NOT EXISTS (SELECT 1 FROM sync_slots s WHERE s.slot = r.slot_name
                           AND s.seen_at > now() - $2 * interval '1 millisecond'
                           AND r.wal_status IS DISTINCT FROM 'lost')`,
      [SLOT_PREFIX, retainMs],
    );
    for (const { slot_name } of rows) {
      const { rows: got } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($3)) AND pg_try_advisory_lock($2, hashtext($3)) AS ok',
        [LOCK_CLASS, CLAIM_CLASS, slot_name],
      );
      try {
        if (!got[0]?.ok) continue;
        await client.query(
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [slot_name],
        );
        dropped.push(slot_name);
        log.info({ slot: slot_name }, 'dropped the replication slot of an earlier run');
      } catch (err) {
        log.warn({ err, slot: slot_name }, 'could not drop a stale replication slot');
      } finally {
        // Only the locks taken above are held; unlocking one not held just returns false.
        await client.query(
          'SELECT pg_advisory_unlock($1, hashtext($3)), pg_advisory_unlock($2, hashtext($3))',
          [LOCK_CLASS, CLAIM_CLASS, slot_name],
        );
      }
    }
    // What was kept for slots that no longer exist (dropped above, by hand, or lost) goes too.
    await client.query(
      `DELETE FROM sync_shape_changes c USING sync_shapes s
        WHERE c.handle = s.handle AND s.slot NOT IN (SELECT slot_name FROM pg_replication_slots)`,
    );
    await client.query(
      `DELETE FROM sync_shapes WHERE slot NOT IN (SELECT slot_name FROM pg_replication_slots)`,
    );
    await client.query(
      `DELETE FROM sync_slots WHERE slot NOT IN (SELECT slot_name FROM pg_replication_slots)`,
    );
  } finally {
    client.release();
  }
  return dropped;
}

/** A kept slot this instance adopts; `release` once its stream runs (the slot is active then). */
export interface SlotClaim {
  slot: string;
  release(): Promise<void>;
}

/**
 * The slot of a stopped run of this database that is still kept (seen within `retainMs`, not
 * lost by Postgres), claimed for this instance: the newest first. The claim lock keeps two
 * instances starting together from adopting the same slot; the slot's own lock being free says its
 * owner is gone. Undefined when there is none: the instance makes a slot of its own.
 */
export async function claimSlot(pool: Pool, retainMs: number): Promise<SlotClaim | undefined> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ slot: string }>(
      `SELECT s.slot FROM sync_slots s JOIN pg_replication_slots r ON r.slot_name = s.slot
        WHERE r.database = current_database() AND NOT r.active AND r.wal_status IS DISTINCT FROM 'lost'
          AND s.seen_at > now() - $1 * interval '1 millisecond'
        ORDER BY s.seen_at DESC`,
      [retainMs],
    );
    for (const { slot } of rows) {
      const claimed = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
        [CLAIM_CLASS, slot],
      );
      if (!claimed.rows[0]?.ok) continue;
      const free = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
        [LOCK_CLASS, slot],
      );
      if (free.rows[0]?.ok) {
        // Its owner is gone; the replication connection takes this lock for good.
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, slot]);
        let released = false;
        return {
          slot,
          async release() {
            if (released) return;
            released = true;
            try {
              await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [CLAIM_CLASS, slot]);
            } finally {
              client.release();
            }
          },
        };
      }
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [CLAIM_CLASS, slot]);
    }
  } catch (err) {
    client.release();
    throw err;
  }
  client.release();
  return undefined;
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
