import { randomInt } from 'node:crypto';
import type { Pool } from 'pg';
import { parse as parseSql, type OrderByStatement } from 'pgsql-ast-parser';
import { HttpError } from '../http/problem';
import type { Row } from './change';
import { DISPLAY_SETTINGS } from './capture';
import type { TableInfo } from './catalog';
import type { ShapeView } from './filter';
import { parseXidSnapshot, type XidSnapshot } from './snapshot';
import { compileWhere } from './where/compile';
import { invalidParam } from './where/errors';
import type { Expr } from './where/expr';
import { whereSql } from './where/sql';
import { family, kindOf } from './where/values';
import { lsnToBigInt } from './offset';

// Subset snapshots (electric-protocol §3.6): the rows of a shape that also match the client's own
// where clause, ordered and paged, read from Postgres in one REPEATABLE READ transaction with its
// pg_current_snapshot() and pg_current_wal_lsn(). That metadata is what lets the client drop the
// stream's copies of changes the subset already contains (SnapshotTracker) and lets TanStack DB's
// awaitTxId resolve for writes the subset already shows. The subset where clause is ANDed with the
// shape's: a client can only narrow what the shape gives it. Asked with `subset__*` query
// parameters (GET) or a JSON body (POST), as the official client sends them.

export interface SubsetRequest {
  where?: string;
  params: Record<string, string>;
  limit?: number;
  offset?: number;
  orderBy?: string;
}

const SUBSET_KEYS = ['where', 'params', 'limit', 'offset', 'order_by', 'where_expr', 'order_by_expr'];

const bad = (name: string, message: string) => invalidParam(`subset__${name}`, message);

/** Whether a GET carries any subset__* parameter (which makes it a subset request). */
export function isSubsetQuery(query: Record<string, unknown>): boolean {
  return Object.keys(query).some((k) => k.startsWith('subset__'));
}

/** limit > 0 and offset >= 0, with Electric's messages (Ecto's validate_number). */
function count(name: string, v: unknown, min: 0 | 1): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(name, 'is invalid');
  if (n < min) throw bad(name, min === 1 ? 'must be greater than 0' : 'must be greater than or equal to 0');
  return n;
}

/** `{"1":"a"}` or `["a"]` (the client sends an object; arrays are $1..$n in order). */
function parameters(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  let json: unknown = v;
  if (typeof v === 'string') {
    try {
      json = JSON.parse(v) as unknown;
    } catch {
      throw bad('params', 'must be a JSON object of parameter values');
    }
  }
  const entries = Array.isArray(json)
    ? json.map((x, i) => [String(i + 1), x] as const)
    : json && typeof json === 'object'
      ? Object.entries(json)
      : undefined;
  if (!entries) throw bad('params', 'must be a JSON object of parameter values');
  const out: Record<string, string> = {};
  for (const [k, x] of entries) {
    if (!/^[1-9]\d{0,3}$/.test(k)) throw bad('params', `"${k}" is not a parameter number`);
    // The client sends strings; numbers and booleans are taken as their text.
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else throw bad('params', `parameter ${k} must be a string`);
  }
  return out;
}

function text(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(name, 'must be a string');
  return v.trim() === '' ? undefined : v;
}

function build(get: (name: string) => unknown): SubsetRequest {
  const req: SubsetRequest = {
    where: text('where', get('where')),
    params: parameters(get('params')),
    limit: count('limit', get('limit'), 1),
    offset: count('offset', get('offset'), 0),
    orderBy: text('order_by', get('order_by')),
  };
  // As Electric: a page needs an order, or pages would overlap.
  if ((req.limit !== undefined || req.offset !== undefined) && !req.orderBy)
    throw bad('order_by', 'order_by is required when limit or offset is present');
  return req;
}

/** The subset__* parameters of a GET. */
export function subsetFromQuery(query: Record<string, unknown>): SubsetRequest {
  for (const k of Object.keys(query)) {
    if (k.startsWith('subset__') && !SUBSET_KEYS.includes(k.slice('subset__'.length)))
      throw invalidParam(k, 'is not a subset parameter');
    const v = query[k];
    if (k.startsWith('subset__') && typeof v !== 'string') throw invalidParam(k, 'must be given once');
  }
  return build((name) => query[`subset__${name}`]);
}

/** A POST body: `{where, params, limit, offset, order_by}` (the *_expr forms are ignored). */
export function subsetFromBody(body: unknown): SubsetRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'validation-error', 'Invalid request', 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!SUBSET_KEYS.includes(k)) throw invalidParam(`subset__${k}`, 'is not a subset parameter');
  }
  return build((name) => b[name]);
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * ORDER BY as a list of the shape's columns with ASC/DESC and NULLS FIRST/LAST; anything else
 * (expressions, functions, unknown columns) is a 400. Text sorts in code point order (COLLATE
 * "C"), the order the where clause compares text in, so a cursor page (`"col" > $1`) continues
 * exactly where the previous page's ORDER BY stopped.
 */
export function orderBySql(info: TableInfo, columns: readonly string[], raw: string): string {
  let by: OrderByStatement[] | undefined;
  try {
    // One statement only: the ORDER BY is rendered from the parsed columns, never from `raw`.
    const stmts = parseSql(`SELECT 1 ORDER BY ${raw}`);
    const stmt = stmts.length === 1 ? stmts[0] : undefined;
    if (stmt?.type === 'select' && !stmt.limit && !stmt.from) by = stmt.orderBy ?? undefined;
  } catch {
    by = undefined;
  }
  if (!by?.length) throw bad('order_by', `"${raw}" is not a list of columns with ASC/DESC`);
  return by
    .map((o) => {
      if (o.by.type !== 'ref' || o.by.table) throw bad('order_by', 'can only order by columns of the shape');
      const name = o.by.name;
      const col = info.columns.find((c) => c.name === name);
      if (!col || !columns.includes(name)) throw bad('order_by', `column ${name} is not in the shape`);
      const kind = col.dims > 0 ? 'other' : kindOf(col.typeName, col.typtype);
      const collate = family(kind) === 'string' ? ' COLLATE "C"' : '';
      // Qualified: a bare name in ORDER BY means the SELECT's output column first, and readSubset
      // selects every column as text, so numbers and timestamps would sort as strings (9 > 10).
      return `${ident(info.schema)}.${ident(info.table)}.${ident(name)}${collate} ${o.order === 'DESC' ? 'DESC' : 'ASC'}${o.nulls ? ` NULLS ${o.nulls}` : ''}`;
    })
    .join(', ');
}

export interface SubsetMetadata {
  xmin: string;
  xmax: string;
  xip_list: string[];
  snapshot_mark: number;
  database_lsn: string;
}

export interface SubsetResult {
  metadata: SubsetMetadata;
  rows: Row[];
  xids: XidSnapshot;
}

/** The subset where clause compiled against the table; its errors name subset__where/params. */
export async function compileSubsetWhere(
  pool: Pool,
  info: TableInfo,
  req: SubsetRequest,
): Promise<Expr | undefined> {
  if (!req.where) return undefined;
  try {
    return await compileWhere(pool, info, req.where, req.params);
  } catch (e) {
    if (e instanceof HttpError && e.status === 400 && e.errors?.[0]) {
      const { path, message } = e.errors[0];
      throw bad(path === 'params' ? 'params' : 'where', message);
    }
    throw e;
  }
}

export async function readSubset(
  pool: Pool,
  view: Pick<ShapeView, 'schema' | 'table' | 'columns' | 'where' | 'padded'>,
  where: Expr | undefined,
  order: string | undefined,
  req: SubsetRequest,
): Promise<SubsetResult> {
  const both = [view.where, where].filter((w): w is Expr => w !== undefined);
  const clause =
    both.length === 0 ? undefined : whereSql(both.length === 1 ? both[0]! : { k: 'and', args: both });
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const [name, value] of Object.entries(DISPLAY_SETTINGS)) {
      await client.query('SELECT set_config($1, $2, true)', [name, value]);
    }
    const snap = await client.query<{ s: string; lsn: string }>(
      'SELECT pg_current_snapshot()::text AS s, pg_current_wal_lsn()::text AS lsn',
    );
    const textOf = (c: string) =>
      view.padded?.includes(c) ? `textin(bpcharout(${ident(c)}))` : `${ident(c)}::text`;
    const values = clause ? [...clause.values] : [];
    let sql = `SELECT ${view.columns.map((c) => `${textOf(c)} AS ${ident(c)}`).join(', ')} FROM ${ident(view.schema)}.${ident(view.table)}`;
    if (clause) sql += ` WHERE ${clause.sql}`;
    if (order) sql += ` ORDER BY ${order}`;
    if (req.limit !== undefined) sql += ` LIMIT ${req.limit}`;
    if (req.offset !== undefined) sql += ` OFFSET ${req.offset}`;
    const { rows } = await client.query<Row>(sql, values);
    await client.query('COMMIT');
    const xids = parseXidSnapshot(snap.rows[0]!.s);
    return {
      rows,
      xids,
      metadata: {
        xmin: xids.xmin.toString(),
        xmax: xids.xmax.toString(),
        xip_list: [...xids.xip].map(String),
        // Electric marks each subset with a random number the client keys its tracking by.
        snapshot_mark: randomInt(2 ** 31 - 1),
        database_lsn: lsnToBigInt(snap.rows[0]!.lsn).toString(),
      },
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
