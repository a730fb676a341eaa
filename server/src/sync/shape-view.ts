import type { Pool } from 'pg';
import { schemaHeader, type TableInfo } from './catalog';
import type { ShapeView } from './filter';
import type { ShapeDef } from './registry';
import { compileWhere } from './where/compile';
import { invalidParam } from './where/errors';
import { indexKey } from './where/sql';

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * A definition checked against its table: columns exist, the key is selected, the table keeps
 * old rows (REPLICA IDENTITY FULL), and the where clause (the app's `column = value` or
 * /v1/shape's own) compiled.
 */
export async function resolveView(
  pool: Pool,
  info: TableInfo,
  def: ShapeDef,
): Promise<{ view: ShapeView; schema: string }> {
  const known = new Set(info.columns.map((c) => c.name));
  const columns = def.columns ?? info.columns.map((c) => c.name);
  for (const c of columns) {
    if (!known.has(c)) throw invalidParam('columns', `column ${c} does not exist in ${def.table}`);
  }
  for (const c of info.pk) {
    if (!columns.includes(c))
      throw invalidParam('columns', `columns must include the primary key column ${c}`);
  }
  // Without the old row an update cannot tell a row leaving the shape, and a delete of a filtered
  // row matches nothing: Electric requires FULL too (it sets it on tables it publishes itself; here
  // the publication is the operator's, so we refuse and say what to run).
  if (info.replicaIdentity !== 'f') {
    throw invalidParam(
      'table',
      `table ${def.schema}.${def.table} must have REPLICA IDENTITY FULL to be synced: run ALTER TABLE ${ident(def.schema)}.${ident(def.table)} REPLICA IDENTITY FULL`,
    );
  }
  const source =
    def.filter ??
    (def.where ? { sql: `${ident(def.where.column)} = $1`, params: { '1': def.where.value } } : undefined);
  const where = source ? await compileWhere(pool, info, source.sql, source.params) : undefined;
  const padded = info.columns.filter((c) => c.typeName === 'bpchar' && c.dims === 0).map((c) => c.name);
  const route = where ? indexKey(where) : undefined;
  const view: ShapeView = {
    schema: info.schema,
    table: info.table,
    columns,
    pk: info.pk,
    ...(where ? { where } : {}),
    ...(route ? { route } : {}),
    ...(def.replica === 'full' ? { replica: 'full' as const } : {}),
    ...(padded.length ? { padded } : {}),
  };
  return { view, schema: schemaHeader(info.columns.filter((c) => columns.includes(c.name))) };
}
