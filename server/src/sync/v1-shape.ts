import type { Request } from 'express';
import { parse as parseSql, type QName } from 'pgsql-ast-parser';
import type { ShapeDef } from './registry';
import { invalidParam } from './where/errors';

// Electric's own `GET /v1/shape?table=…&where=…&params[1]=…&columns=…&replica=…`, so this server
// can stand in for Electric (behind another instance's proxy, or for a client of its own). The
// where clause is Electric's grammar (where/compile.ts). Off unless SYNC_V1_ENDPOINT is set.

function str(query: Request['query'], name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidParam(name, 'must be given once');
  return v;
}

/** `"id","title"` (the client quotes every name) or `id,title`; unquoted names fold to lower case. */
function columnList(raw: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*(,|$)/y;
  while (re.lastIndex < raw.length) {
    const m = re.exec(raw);
    if (!m) throw invalidParam('columns', `"${raw}" is not a comma-separated list of column names`);
    out.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!.toLowerCase());
    if (m[3] === '') break;
  }
  return out;
}

/**
 * `params[1]=a&params[2]=b` (what the client sends) or `params={"1":"a"}` / `params=["a"]`
 * (JSON, as Electric also accepts). Values are strings: their type comes from where they are used.
 */
function parameters(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (!/^[1-9]\d*$/.test(k)) throw invalidParam('params', `"${k}" is not a parameter number`);
    if (typeof v !== 'string') throw invalidParam('params', `params[${k}] must be a string`);
    out[k] = v;
  };
  for (const [k, v] of Object.entries(query)) {
    const m = /^params\[(.*)\]$/.exec(k);
    if (m) put(m[1]!, v);
  }
  const raw = query.params;
  if (typeof raw === 'string') {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw invalidParam('params', 'must be a JSON object or array of strings');
    }
    if (Array.isArray(json)) json.forEach((v, i) => put(String(i + 1), v));
    else if (json && typeof json === 'object') for (const [k, v] of Object.entries(json)) put(k, v);
    else throw invalidParam('params', 'must be a JSON object or array of strings');
  } else if (raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw invalidParam('params', 'must be a JSON object or params[n]=value');
  } else if (raw && typeof raw === 'object') {
    // Express' extended parser turns params[1]=a into { params: { 1: 'a' } }.
    for (const [k, v] of Object.entries(raw)) put(k, v);
  }
  return out;
}

export function v1ShapeDef(query: Request['query']): ShapeDef {
  const table = str(query, 'table');
  if (!table) throw invalidParam('table', "can't be blank");
  let qname: QName;
  try {
    qname = parseSql(table, 'qualified_name');
  } catch {
    throw invalidParam('table', `"${table}" is not a valid table name`);
  }
  const params = parameters(query);
  const where = str(query, 'where');
  const columns = str(query, 'columns');
  const replica = str(query, 'replica');
  if (replica !== undefined && replica !== 'default' && replica !== 'full')
    throw invalidParam('replica', 'is invalid');
  return {
    schema: qname.schema ?? 'public',
    table: qname.name,
    ...(columns ? { columns: columnList(columns) } : {}),
    ...(where ? { filter: { sql: where, params } } : {}),
    ...(replica === 'full' ? { replica: 'full' as const } : {}),
  };
}
