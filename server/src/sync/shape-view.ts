import type { Pool } from 'pg';
import { canonicalValue, schemaHeader, type TableInfo } from './catalog';
import type { ShapeView } from './filter';
import type { ShapeDef } from './registry';
import { badRequest } from '../http/problem';

/** A definition checked against its table: columns exist, the key is selected, the value canonical. */
export async function resolveView(
  pool: Pool,
  info: TableInfo,
  def: ShapeDef,
): Promise<{ view: ShapeView; schema: string }> {
  const known = new Set(info.columns.map((c) => c.name));
  const columns = def.columns ?? info.columns.map((c) => c.name);
  for (const c of [...columns, ...(def.where ? [def.where.column] : [])]) {
    if (!known.has(c)) throw badRequest(`column ${c} does not exist in ${def.table}`);
  }
  for (const c of info.pk) {
    if (!columns.includes(c)) throw badRequest(`columns must include the primary key column ${c}`);
  }
  let where: ShapeView['where'];
  if (def.where) {
    const col = info.columns.find((c) => c.name === def.where!.column)!;
    where = { column: col.name, value: await canonicalValue(pool, col, def.where.value) };
  }
  const view: ShapeView = { schema: info.schema, table: info.table, columns, pk: info.pk, where };
  return { view, schema: schemaHeader(info.columns.filter((c) => columns.includes(c.name))) };
}
