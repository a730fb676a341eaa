import type { Request } from 'express';
import { parse as parseSql, type Expr, type QName } from 'pgsql-ast-parser';
import { badRequest } from '../http/problem';
import type { ShapeDef } from './registry';

// Electric's own `GET /v1/shape?table=…&where=…&params[1]=…&columns=…`, restricted to the filter
// the built-in server can evaluate: `"column" = $1` (either side). Lets this server stand in for
// Electric behind another instance's proxy. Off unless SYNC_V1_ENDPOINT is set.

function str(query: Request['query'], name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be given once`);
  return v;
}

/** `"id","title"` (the client quotes every name) or `id,title`; unquoted names fold to lower case. */
function columnList(raw: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*(,|$)/y;
  while (re.lastIndex < raw.length) {
    const m = re.exec(raw);
    if (!m) throw badRequest(`columns "${raw}" is not a comma-separated list of column names`);
    out.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!.toLowerCase());
    if (m[3] === '') break;
  }
  return out;
}

function whereClause(sql: string, params: Record<string, string>): ShapeDef['where'] {
  let expr: Expr;
  try {
    expr = parseSql(sql, 'expr');
  } catch {
    throw badRequest(`where: "${sql}" is not a valid SQL expression`);
  }
  if (expr.type === 'binary' && expr.op === '=') {
    const [ref, param] = expr.left.type === 'ref' ? [expr.left, expr.right] : [expr.right, expr.left];
    if (ref.type === 'ref' && !ref.table && ref.name !== '*' && param.type === 'parameter') {
      const value = params[param.name.slice(1)];
      if (value === undefined)
        throw badRequest(`where uses ${param.name} but params[${param.name.slice(1)}] is missing`);
      return { column: ref.name, value };
    }
  }
  throw badRequest('where: only "column" = $1 is supported by this server');
}

export function v1ShapeDef(query: Request['query']): ShapeDef {
  const table = str(query, 'table');
  if (!table) throw badRequest('table is required');
  let qname: QName;
  try {
    qname = parseSql(table, 'qualified_name');
  } catch {
    throw badRequest(`table "${table}" is not a valid table name`);
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const m = /^params\[(\d+)\]$/.exec(k);
    if (m && typeof v === 'string') params[m[1]!] = v;
  }
  const where = str(query, 'where');
  const columns = str(query, 'columns');
  const replica = str(query, 'replica');
  if (replica !== undefined && replica !== 'default')
    throw badRequest('replica=full is not supported by this server');
  return {
    schema: qname.schema ?? 'public',
    table: qname.name,
    ...(columns ? { columns: columnList(columns) } : {}),
    ...(where ? { where: whereClause(where, params) } : {}),
  };
}
