import type { Pool } from 'pg';
import type { Row } from './change';
import { DISPLAY_SETTINGS } from './capture';
import type { ShapeView } from './filter';
import { whereSql } from './where/sql';

// The initial rows of a shape, read in one REPEATABLE READ transaction together with
// pg_current_snapshot(), so the stream can tell which transactions the rows already contain
// (electric-protocol §11).

export interface XidSnapshot {
  xmin: bigint;
  xmax: bigint;
  xip: Set<bigint>;
}

export type SnapshotQuery = Pick<ShapeView, 'schema' | 'table' | 'columns' | 'where' | 'padded'>;

export interface Snapshot {
  xids: XidSnapshot;
  rows: Row[];
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function parseXidSnapshot(text: string): XidSnapshot {
  const [xmin, xmax, xip] = text.split(':');
  return {
    xmin: BigInt(xmin!),
    xmax: BigInt(xmax!),
    xip: new Set(xip ? xip.split(',').map((x) => BigInt(x)) : []),
  };
}

/**
 * Whether a committed transaction (32-bit xid from pgoutput) is already in the snapshot. The xid is
 * widened to 64 bits in the epoch closest to xmax, which is exact for any xid in flight around it.
 */
export function visibleInSnapshot(s: XidSnapshot, xid32: number): boolean {
  const low = Number(s.xmax & 0xffffffffn);
  const diff = ((xid32 - low + 2 ** 31) % 2 ** 32) - 2 ** 31;
  const xid = s.xmax + BigInt(Math.trunc(diff));
  if (xid < s.xmin) return true;
  if (xid >= s.xmax) return false;
  return !s.xip.has(xid);
}

export async function takeSnapshot(
  pool: Pool,
  q: SnapshotQuery,
  opts: { rows: boolean } = { rows: true },
): Promise<Snapshot> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const [name, value] of Object.entries(DISPLAY_SETTINGS)) {
      await client.query('SELECT set_config($1, $2, true)', [name, value]);
    }
    const snap = await client.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
    // char(n)::text drops the padding pgoutput keeps: read it through its output function instead,
    // or the same row gets two keys (snapshot and stream) and a ghost stays behind.
    const text = (c: string) =>
      q.padded?.includes(c) ? `textin(bpcharout(${ident(c)}))` : `${ident(c)}::text`;
    const select = q.columns.map((c) => `${text(c)} AS ${ident(c)}`).join(', ');
    const from = `${ident(q.schema)}.${ident(q.table)}`;
    const where = q.where ? whereSql(q.where) : undefined;
    const { rows } = !opts.rows
      ? { rows: [] }
      : where
        ? await client.query<Row>(`SELECT ${select} FROM ${from} WHERE ${where.sql}`, where.values)
        : await client.query<Row>(`SELECT ${select} FROM ${from}`);
    await client.query('COMMIT');
    return { xids: parseXidSnapshot(snap.rows[0]!.s), rows };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
