import type { Expr } from './expr';
import { family, type SqlType } from './values';

// The compiled clause back to SQL for the snapshot, with every implicit cast the evaluator makes
// written out and text ordering in COLLATE "C" (code point order, as the evaluator and Electric
// compare), so the snapshot and the stream put a row on the same side of the clause.

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function whereSql(e: Expr): { sql: string; values: string[] } {
  const values: string[] = [];
  const typeOf = (x: Expr): SqlType | undefined =>
    x.k === 'col' || x.k === 'cast' || x.k === 'const' ? x.t : undefined;
  const as = (x: Expr, t: SqlType) => {
    const s = walk(x);
    return typeOf(x)?.oid === t.oid ? s : `(${s})::${t.cast}`;
  };
  const walk = (x: Expr): string => {
    switch (x.k) {
      case 'col':
        return ident(x.name);
      case 'const':
        if (x.v === null) return x.t ? `NULL::${x.t.cast}` : 'NULL';
        values.push(x.v);
        return `$${values.length}::${x.t!.cast}`;
      case 'cast':
        return `(${walk(x.arg)})::${x.t.cast}`;
      case 'cmp': {
        const collate = family(x.t.kind) === 'string' && x.op !== '=' && x.op !== '<>' ? ' COLLATE "C"' : '';
        return `(${as(x.l, x.t)}${collate} ${x.op} ${as(x.r, x.t)})`;
      }
      case 'quant': {
        const collate = family(x.t.kind) === 'string' && x.op !== '=' && x.op !== '<>' ? ' COLLATE "C"' : '';
        const items = x.list.map((i) => as(i, x.t)).join(', ');
        return `(${as(x.arg, x.t)}${collate} ${x.op} ${x.all ? 'ALL' : 'ANY'}(ARRAY[${items}]::${x.t.cast}[]))`;
      }
      case 'and':
      case 'or':
        return `(${x.args.map(walk).join(x.k === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${walk(x.arg)})`;
      case 'null':
        return `(${walk(x.arg)} IS ${x.neg ? 'NOT ' : ''}NULL)`;
      case 'is':
        return `(${walk(x.arg)} IS ${x.neg ? 'NOT ' : ''}${x.value ? 'TRUE' : 'FALSE'})`;
      case 'in':
        return `(${as(x.arg, x.t)} ${x.neg ? 'NOT ' : ''}IN (${x.list.map((i) => as(i, x.t)).join(', ')}))`;
      case 'like': {
        const text = (y: Expr) => `(${walk(y)})::text`;
        const op = `${x.neg ? 'NOT ' : ''}${x.ci ? 'ILIKE' : 'LIKE'}`;
        // A char(n) column keeps its padding in LIKE (bpcharlike), as the evaluator does.
        const arg = typeOf(x.arg)?.kind === 'bpchar' ? walk(x.arg) : text(x.arg);
        return `(${arg} COLLATE "C" ${op} ${text(x.pattern)})`;
      }
    }
  };
  return { sql: walk(e), values };
}

/**
 * `column = constant`, `column = ANY(constants)` or `column IN (constants)` at the top of the
 * clause (or of one of its top-level ANDs), on a type whose text is one per value: the registry
 * routes changes to such shapes through a hash on the value(s). A NULL element can never make the
 * clause true, so it routes nowhere; an empty list matches no row and so no value at all.
 */
export function indexKey(e: Expr): { column: string; values: string[] } | undefined {
  if (e.k === 'and') {
    for (const a of e.args) {
      const k = indexKey(a);
      if (k) return k;
    }
    return undefined;
  }
  const exact = ['text', 'int', 'bool', 'uuid', 'enum', 'date', 'timestamptz', 'timestamp'];
  const constants = (col: Expr, list: Expr[]) => {
    if (col.k !== 'col' || !exact.includes(col.t.kind)) return undefined;
    const values = new Set<string>();
    for (const c of list) {
      if (c.k !== 'const') return undefined;
      if (c.v === null) continue;
      if (c.t?.oid !== col.t.oid) return undefined;
      values.add(c.v);
    }
    return { column: col.name, values: [...values] };
  };
  if (e.k === 'cmp' && e.op === '=') {
    const [col, c] = e.l.k === 'col' ? [e.l, e.r] : [e.r, e.l];
    if (c.k !== 'const' || c.v === null) return undefined;
    return constants(col, [c]);
  }
  if (e.k === 'quant' && e.op === '=' && !e.all) return constants(e.arg, e.list);
  if (e.k === 'in' && !e.neg) return constants(e.arg, e.list);
  return undefined;
}
