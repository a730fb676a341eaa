import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { isConnectionError } from '../db/connection-errors';

// A copy of every shape this instance serves, in Postgres (migration 0050), so a restart resumes
// them under the same handles: the definition, the snapshot's messages and xid snapshot, and every
// change of the log. Writes are queued and written in order, several at once; the capture
// acknowledges a transaction to the replication slot only once everything queued before it is
// written (`settled`), so whatever a crash loses from here the slot sends again.

export interface StoredEntry {
  tx: bigint;
  op: number;
  json: string;
}

export interface StoredShape {
  handle: string;
  def: string;
  tableInfo: string;
  schema: string;
  xids: string;
  snapshot: string[];
  entries: StoredEntry[];
}

type Op =
  | { kind: 'shape'; shape: StoredShape }
  | { kind: 'append'; handle: string; entries: StoredEntry[] }
  | { kind: 'remove'; handle: string }
  | { kind: 'seen' };

export class ShapeStore {
  private queue: Op[] = [];
  private queued = 0;
  private written = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];
  private writing = false;
  private closed = false;
  private slot: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    /** How often `seen_at` is refreshed while the instance runs (ms). */
    private readonly seenEveryMs: number,
  ) {}

  /** The slot this instance streams through: its shapes are stored under it from now on. */
  attach(slot: string): void {
    this.slot = slot;
    this.push({ kind: 'seen' });
    this.heartbeat = setInterval(() => this.push({ kind: 'seen' }), this.seenEveryMs);
    this.heartbeat.unref();
  }

  /** The shapes kept under `slot`, with their logs in offset order. */
  async load(slot: string): Promise<StoredShape[]> {
    const { rows } = await this.pool.query<{
      handle: string;
      def: string;
      table_info: string;
      schema_header: string;
      xids: string;
      snapshot: string[];
    }>(
      'SELECT handle, def, table_info, schema_header, xids, snapshot FROM sync_shapes WHERE slot = $1 ORDER BY created_at',
      [slot],
    );
    const { rows: changes } = await this.pool.query<{ handle: string; tx: string; op: number; json: string }>(
      `SELECT c.handle, c.tx::text AS tx, c.op, c.json FROM sync_shape_changes c
         JOIN sync_shapes s ON s.handle = c.handle WHERE s.slot = $1 ORDER BY c.handle, c.tx, c.op`,
      [slot],
    );
    const byHandle = new Map<string, StoredEntry[]>();
    for (const c of changes) {
      let list = byHandle.get(c.handle);
      if (!list) byHandle.set(c.handle, (list = []));
      list.push({ tx: BigInt(c.tx), op: c.op, json: c.json });
    }
    return rows.map((r) => ({
      handle: r.handle,
      def: r.def,
      tableInfo: r.table_info,
      schema: r.schema_header,
      xids: r.xids,
      snapshot: r.snapshot,
      entries: byHandle.get(r.handle) ?? [],
    }));
  }

  /** A new shape with the changes it already has, written together. */
  saveShape(shape: StoredShape): void {
    this.push({ kind: 'shape', shape });
  }

  append(handle: string, entries: StoredEntry[]): void {
    if (entries.length > 0) this.push({ kind: 'append', handle, entries });
  }

  remove(handle: string): void {
    this.push({ kind: 'remove', handle });
  }

  /** Resolves once everything queued so far is written; undefined when nothing is pending. */
  settled(): Promise<void> | undefined {
    if (this.written >= this.queued) return undefined;
    const seq = this.queued;
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Writes what is queued (with a last `seen_at`, which starts the retention clock) and stops. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.slot) this.push({ kind: 'seen' });
    // Postgres away: do not hold the shutdown; what is not written the slot sends again.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settled(), new Promise((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
    this.closed = true;
  }

  private push(op: Op) {
    if (this.closed) return;
    this.queue.push(op);
    this.queued++;
    if (!this.writing) void this.drain();
  }

  private async drain() {
    this.writing = true;
    let attempt = 0;
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice();
      try {
        await this.write(batch);
        attempt = 0;
      } catch (err) {
        // Postgres away: keep the batch and retry (acknowledgements wait meanwhile). A batch
        // Postgres refuses is dropped with the shapes it touches: a stored log with a hole in
        // it must never be restored.
        if (isConnectionError(err) && attempt < 1_000) {
          attempt++;
          this.log.debug({ err, attempt }, 'could not write the shape store; retrying');
          await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * attempt)));
          continue;
        }
        this.log.warn({ err }, 'could not write the shape store; those shapes will not survive a restart');
        const handles = new Set(
          batch.flatMap((o) =>
            o.kind === 'shape' ? [o.shape.handle] : o.kind === 'append' ? [o.handle] : [],
          ),
        );
        this.queue.splice(0, batch.length);
        this.written += batch.length;
        for (const handle of handles) this.queue.push({ kind: 'remove', handle });
        this.queued += handles.size;
        // Whoever waited for the failed writes waits for the removes too.
        for (const w of this.waiters) w.seq = Math.max(w.seq, this.queued);
        this.settle();
        continue;
      }
      this.queue.splice(0, batch.length);
      this.written += batch.length;
      this.settle();
    }
    this.writing = false;
  }

  private settle() {
    if (this.queue.length === 0) this.written = this.queued;
    const ready = this.waiters.filter((w) => w.seq <= this.written);
    this.waiters = this.waiters.filter((w) => w.seq > this.written);
    for (const w of ready) w.resolve();
  }

  /** One transaction: the ops in order, consecutive appends as one INSERT. */
  private async write(batch: Op[]) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < batch.length; i++) {
        const op = batch[i]!;
        if (op.kind === 'append') {
          const handles: string[] = [];
          const txs: string[] = [];
          const ops: number[] = [];
          const jsons: string[] = [];
          let j = i;
          for (; j < batch.length; j++) {
            const a = batch[j]!;
            if (a.kind !== 'append') break;
            for (const e of a.entries) {
              handles.push(a.handle);
              txs.push(e.tx.toString());
              ops.push(e.op);
              jsons.push(e.json);
            }
          }
          i = j - 1;
          // A transaction sent again after a lost acknowledgement is already here.
          await client.query(
            `INSERT INTO sync_shape_changes (handle, tx, op, json)
             SELECT * FROM unnest($1::text[], $2::numeric[], $3::int[], $4::text[])
             ON CONFLICT DO NOTHING`,
            [handles, txs, ops, jsons],
          );
        } else if (op.kind === 'shape') {
          const s = op.shape;
          await client.query(
            `INSERT INTO sync_shapes (handle, slot, def, table_info, schema_header, xids, snapshot)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (handle) DO NOTHING`,
            [s.handle, this.slot, s.def, s.tableInfo, s.schema, s.xids, s.snapshot],
          );
          if (s.entries.length > 0)
            await client.query(
              `INSERT INTO sync_shape_changes (handle, tx, op, json)
               SELECT $1, * FROM unnest($2::numeric[], $3::int[], $4::text[]) ON CONFLICT DO NOTHING`,
              [
                s.handle,
                s.entries.map((e) => e.tx.toString()),
                s.entries.map((e) => e.op),
                s.entries.map((e) => e.json),
              ],
            );
        } else if (op.kind === 'remove') {
          await client.query('DELETE FROM sync_shape_changes WHERE handle = $1', [op.handle]);
          await client.query('DELETE FROM sync_shapes WHERE handle = $1', [op.handle]);
        } else if (this.slot) {
          await client.query(
            `INSERT INTO sync_slots (slot) VALUES ($1) ON CONFLICT (slot) DO UPDATE SET seen_at = now()`,
            [this.slot],
          );
        }
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
