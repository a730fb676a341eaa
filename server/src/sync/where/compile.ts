import type { Pool } from 'pg';
import { parse, type Expr as Ast } from 'pgsql-ast-parser';
import { DISPLAY_SETTINGS } from '../capture';
import type { TableInfo } from '../catalog';
import { invalidParam } from './errors';
import type { CmpOp, Expr } from './expr';
import { family, kindOf, likePattern, type SqlType } from './values';

// Electric's where grammar (comparisons, AND/OR/NOT, IN, IS [NOT] NULL/TRUE/FALSE, [NOT]
// [I]LIKE, BETWEEN, $n parameters, casts) parsed once with pgsql-ast-parser and type-checked
// against the table as Postgres would: an untyped literal or parameter takes the type of what it
// is compared with, mixed numbers compare as the wider type, text and char(n) as text. Constants
// are converted by Postgres itself (one round trip, the capture's display settings), so their
// text is exactly what the stream carries for the same value (timestamps in UTC, uuids lower
// case, booleans t/f). Anything outside the grammar is a 400 naming `where` or `params`.

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?: [A-Za-z_][A-Za-z0-9_]*)*$/;
const BASE = ['text', 'bool', 'int4', 'int8', 'numeric', 'float8'] as const;

interface Ctx {
  table: TableInfo;
  params: Record<string, string>;
  types: Map<string, SqlType>;
  /** Values of the canonicalisation query, $1..$n. */
  values: string[];
  pending: { node: Extract<Expr, { k: 'const' }>; sql: string }[];
  /** ANY/ALL arrays: holder's text (a JSON array of element texts) becomes node's list. */
  arrays: { node: Extract<Expr, { k: 'quant' }>; holder: Extract<Expr, { k: 'const' }> }[];
  sql: string;
}

type Unknown = { k: 'unknown'; raw: string | null };
type Pre = Expr | Unknown;

const err = (message: string) => invalidParam('where', message);

/** A column's type as the where clause sees it. */
export function columnType(c: TableInfo['columns'][number]): SqlType {
  return {
    oid: c.typeOid,
    cast: `${ident(c.typeSchema)}.${ident(c.typeName)}`,
    display: c.sqlType,
    kind: c.dims > 0 ? 'other' : kindOf(c.typeName, c.typtype),
    labels: c.labels ?? undefined,
  };
}

function base(ctx: Ctx, name: (typeof BASE)[number]): SqlType {
  return ctx.types.get(name)!;
}

function param(ctx: Ctx, raw: string): string {
  ctx.values.push(raw);
  return `$${ctx.values.length}`;
}

function pending(ctx: Ctx, t: SqlType, sql: string): Expr {
  const node = { k: 'const' as const, v: null, t };
  ctx.pending.push({ node, sql });
  return node;
}

function coerce(ctx: Ctx, e: Pre, t: SqlType | undefined): Expr {
  if (e.k !== 'unknown') return e;
  const to = t ?? base(ctx, 'text');
  if (e.raw === null) return { k: 'const', v: null, t: to };
  return pending(ctx, to, `${param(ctx, e.raw)}::${to.cast}`);
}

function typeOfPre(ctx: Ctx, e: Pre): SqlType | undefined {
  if (e.k === 'unknown') return undefined;
  if (e.k === 'col' || e.k === 'cast' || e.k === 'const') return e.t;
  return base(ctx, 'bool');
}

/** The type two typed values are compared as, or a 400 as Postgres' "operator does not exist". */
function common(ctx: Ctx, a: SqlType, b: SqlType, op: string): SqlType {
  const fail = () => err(`operator does not exist: ${a.display} ${op} ${b.display}`);
  if (a.kind === 'other' || b.kind === 'other') throw fail();
  if (family(a.kind) !== family(b.kind)) throw fail();
  if (a.kind === 'enum' && a.oid !== b.oid) throw fail();
  if (family(a.kind) === 'number') {
    if (a.kind === 'float' || b.kind === 'float') return a.kind === 'float' ? a : b;
    if (a.kind === 'numeric' || b.kind === 'numeric') return a.kind === 'numeric' ? a : b;
    return a.oid === ctx.types.get('int8')!.oid ? a : b.oid === ctx.types.get('int8')!.oid ? b : a;
  }
  if (family(a.kind) === 'string') return a.kind === 'bpchar' && b.kind === 'bpchar' ? a : base(ctx, 'text');
  return a;
}

function compare(ctx: Ctx, op: CmpOp, l: Pre, r: Pre): Expr {
  const lt = typeOfPre(ctx, l);
  const rt = typeOfPre(ctx, r);
  const le = coerce(ctx, l, rt ?? lt);
  const re = coerce(ctx, r, lt ?? rt);
  const t = common(ctx, typeOfPre(ctx, le)!, typeOfPre(ctx, re)!, op);
  return { k: 'cmp', op, l: le, r: re, t };
}

function predicate(ctx: Ctx, e: Pre): Expr {
  const x = coerce(ctx, e, base(ctx, 'bool'));
  const t = typeOfPre(ctx, x);
  if (t?.kind !== 'bool') throw err(`argument of a boolean operator must be boolean, not ${t?.display}`);
  return x;
}

function castTarget(ctx: Ctx, to: Extract<Ast, { type: 'cast' }>['to']): { t: SqlType; sql: string } {
  if ('kind' in to && to.kind === 'array') throw err('casts to arrays are not supported');
  const named = to as { name: string; schema?: string; config?: number[] };
  const t = ctx.types.get(typeKey(named));
  if (!t) throw err(`type "${named.name}" does not exist`);
  const mod = named.config?.length ? `(${named.config.map((n) => Math.trunc(Number(n))).join(',')})` : '';
  return { t, sql: `${t.cast}${mod}` };
}

/** `l op ANY(array)` / `l op ALL(array)`, the array a literal, a parameter (cast or not) or ARRAY[…]. */
function quantified(ctx: Ctx, op: CmpOp, l: Pre, call: Extract<Ast, { type: 'call' }>): Expr {
  const all = call.function.name.toLowerCase() === 'all';
  if (call.function.schema || call.args.length !== 1) throw err(`${all ? 'ALL' : 'ANY'} takes one array`);
  let a = call.args[0]!;
  let elem: SqlType | undefined;
  let mod = '';
  if (a.type === 'cast') {
    const to = a.to as {
      kind?: string;
      arrayOf?: { name: string; schema?: string; kind?: string; config?: number[] };
    };
    if (to.kind !== 'array' || !to.arrayOf || to.arrayOf.kind === 'array')
      throw err(`${all ? 'ALL' : 'ANY'} needs a one-type array (cast to type[])`);
    elem = ctx.types.get(typeKey(to.arrayOf));
    if (!elem) throw err(`type "${to.arrayOf.name}" does not exist`);
    // char(4)[] truncates its elements as char(4) does.
    const config = to.arrayOf.config;
    mod = config?.length ? `(${config.map((n) => Math.trunc(Number(n))).join(',')})` : '';
    a = a.operand;
  }
  const lt = typeOfPre(ctx, l);
  if (a.type === 'array') {
    if (elem) throw err('cast the elements of ARRAY[…], not the array');
    const items = a.expressions.map((i) => build(ctx, i));
    let t = lt;
    for (const i of items) {
      const it = typeOfPre(ctx, i);
      if (it) t = t ? common(ctx, t, it, op) : it;
    }
    t ??= base(ctx, 'text');
    const list = items.map((i) => coerce(ctx, i, t));
    return { k: 'quant', op, arg: coerce(ctx, l, t), list, t, elem: t, all };
  }
  let raw: string | null;
  if (a.type === 'parameter') {
    const n = a.name.slice(1);
    const given = ctx.params[n];
    if (given === undefined)
      throw invalidParam('params', `parameter ${a.name} is used but params[${n}] is not given`);
    raw = given;
  } else if (a.type === 'string') raw = a.value;
  else if (a.type === 'null') raw = null;
  else throw err(`${all ? 'ALL' : 'ANY'} takes an array literal, a parameter or ARRAY[…]`);
  elem ??= lt ?? base(ctx, 'text');
  const arg = coerce(ctx, l, elem);
  const t = common(ctx, typeOfPre(ctx, arg)!, elem, op);
  const node: Extract<Expr, { k: 'quant' }> = { k: 'quant', op, arg, list: [], t, elem, all };
  if (raw === null) {
    // x op ANY(NULL) is NULL for every x, as x op ANY(ARRAY[NULL]) is.
    node.list = [{ k: 'const', v: null, t: elem }];
    return node;
  }
  // Postgres parses the array literal and prints each element as the stream would (json_agg
  // keeps NULL elements as null); 'other' keeps canonicalise from reading the JSON as a bool.
  const holder = pending(
    ctx,
    { ...elem, kind: 'other', display: `${elem.display}[]` },
    `SELECT coalesce(json_agg(e::text), '[]') FROM unnest(${param(ctx, raw)}::${elem.cast}${mod}[]) AS u(e)`,
  ) as Extract<Expr, { k: 'const' }>;
  ctx.arrays.push({ node, holder });
  return node;
}

function typeKey(to: { name: string; schema?: string }): string {
  return to.schema ? `${to.schema}.${to.name}` : to.name;
}

/** Casts the evaluator can apply to a column's text: to text, or widening between numbers. */
function columnCast(from: SqlType, to: SqlType): boolean {
  if (from.oid === to.oid) return true;
  if (to.kind === 'text') return true;
  if (to.kind === 'bpchar') return family(from.kind) === 'string';
  const order = ['int', 'numeric', 'float'];
  return family(from.kind) === 'number' && family(to.kind) === 'number'
    ? order.indexOf(to.kind) >= order.indexOf(from.kind) && !(from.kind === 'numeric' && to.kind === 'int')
    : false;
}

function literalText(ctx: Ctx, e: Ast): string {
  const loc = (e as { _location?: { start: number; end: number } })._location;
  return loc ? ctx.sql.slice(loc.start, loc.end).trim() : String((e as { value: number }).value);
}

function build(ctx: Ctx, e: Ast): Pre {
  switch (e.type) {
    case 'ref': {
      if (e.table || e.name === '*') throw err(`only columns of ${ctx.table.table} can be referenced`);
      const c = ctx.table.columns.find((col) => col.name === e.name);
      if (!c) throw err(`unknown reference ${e.name}`);
      return { k: 'col', name: c.name, t: columnType(c) };
    }
    case 'string':
      return { k: 'unknown', raw: e.value };
    case 'null':
      return { k: 'unknown', raw: null };
    case 'boolean':
      return { k: 'const', v: e.value ? 't' : 'f', t: base(ctx, 'bool') };
    case 'parameter': {
      const n = e.name.slice(1);
      const raw = ctx.params[n];
      if (raw === undefined)
        throw invalidParam('params', `parameter ${e.name} is used but params[${n}] is not given`);
      return { k: 'unknown', raw };
    }
    case 'integer':
    case 'numeric': {
      const text = literalText(ctx, e);
      if (!/^-?\s*(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw err(`"${text}" is not a number`);
      const clean = text.replace(/\s+/g, '');
      let t = base(ctx, 'numeric');
      if (/^-?\d+$/.test(clean)) {
        const v = BigInt(clean);
        if (v >= -(2n ** 31n) && v < 2n ** 31n) t = base(ctx, 'int4');
        else if (v >= -(2n ** 63n) && v < 2n ** 63n) t = base(ctx, 'int8');
      }
      return pending(ctx, t, `${param(ctx, clean)}::${t.cast}`);
    }
    case 'cast': {
      const { t, sql } = castTarget(ctx, e.to);
      const arg = build(ctx, e.operand);
      if (arg.k === 'unknown') {
        if (arg.raw === null) return { k: 'const', v: null, t };
        return pending(ctx, t, `${param(ctx, arg.raw)}::${sql}`);
      }
      if (arg.k === 'const') {
        const inner = ctx.pending.find((p) => p.node === arg);
        if (arg.v === null && !inner) return { k: 'const', v: null, t };
        const from = inner ? `(${inner.sql})` : `${param(ctx, arg.v!)}::${arg.t!.cast}`;
        return pending(ctx, t, `${from}::${sql}`);
      }
      const from = typeOfPre(ctx, arg)!;
      if (!columnCast(from, t)) throw err(`casting ${from.display} to ${t.display} is not supported here`);
      return from.oid === t.oid ? arg : { k: 'cast', arg, t };
    }
    case 'unary': {
      switch (e.op) {
        case 'NOT':
          return { k: 'not', arg: predicate(ctx, build(ctx, e.operand)) };
        case 'IS NULL':
        case 'IS NOT NULL':
          return {
            k: 'null',
            arg: coerce(ctx, build(ctx, e.operand), undefined),
            neg: e.op === 'IS NOT NULL',
          };
        case 'IS TRUE':
        case 'IS NOT TRUE':
        case 'IS FALSE':
        case 'IS NOT FALSE':
          return {
            k: 'is',
            arg: predicate(ctx, build(ctx, e.operand)),
            value: e.op.endsWith('TRUE'),
            neg: e.op.includes('NOT'),
          };
        default:
          throw err(`operator ${e.op} is not supported`);
      }
    }
    case 'binary': {
      switch (e.op) {
        case 'AND':
        case 'OR':
          return {
            k: e.op === 'AND' ? 'and' : 'or',
            args: [predicate(ctx, build(ctx, e.left)), predicate(ctx, build(ctx, e.right))],
          };
        case '=':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const op = e.op === '!=' ? '<>' : e.op;
          const fn = e.right.type === 'call' ? e.right.function.name.toLowerCase() : '';
          if (e.right.type === 'call' && (fn === 'any' || fn === 'all' || fn === 'some'))
            return quantified(ctx, op, build(ctx, e.left), e.right);
          return compare(ctx, op, build(ctx, e.left), build(ctx, e.right));
        }
        case 'IN':
        case 'NOT IN': {
          const items = e.right.type === 'list' ? e.right.expressions : [e.right];
          const arg = build(ctx, e.left);
          const list = items.map((i) => build(ctx, i));
          let t = typeOfPre(ctx, arg);
          for (const i of list) {
            const it = typeOfPre(ctx, i);
            if (it) t = t ? common(ctx, t, it, e.op) : it;
          }
          t ??= base(ctx, 'text');
          return {
            k: 'in',
            arg: coerce(ctx, arg, t),
            list: list.map((i) => coerce(ctx, i, t)),
            t,
            neg: e.op === 'NOT IN',
          };
        }
        case 'LIKE':
        case 'NOT LIKE':
        case 'ILIKE':
        case 'NOT ILIKE': {
          const text = base(ctx, 'text');
          const arg = coerce(ctx, build(ctx, e.left), text);
          const pattern = coerce(ctx, build(ctx, e.right), text);
          for (const side of [arg, pattern]) {
            const t = typeOfPre(ctx, side)!;
            if (family(t.kind) !== 'string')
              throw err(`operator does not exist: ${t.display} ${e.op} text (cast it to text)`);
          }
          return { k: 'like', arg, pattern, ci: e.op.includes('ILIKE'), neg: e.op.startsWith('NOT') };
        }
        default:
          throw err(`operator ${e.op} is not supported`);
      }
    }
    case 'ternary': {
      const value = build(ctx, e.value);
      const lo = compare(ctx, '>=', value, build(ctx, e.lo));
      const hi = compare(ctx, '<=', value, build(ctx, e.hi));
      const between: Expr = { k: 'and', args: [lo, hi] };
      return e.op === 'NOT BETWEEN' ? { k: 'not', arg: between } : between;
    }
    default:
      throw err(`${e.type} expressions are not supported`);
  }
}

function castNames(e: unknown, out: Set<string>): void {
  if (!e || typeof e !== 'object') return;
  if (Array.isArray(e)) return e.forEach((x) => castNames(x, out));
  type Named = { name?: string; schema?: string };
  const node = e as { type?: string; to?: Named & { arrayOf?: Named } };
  // type[] (ANY's array): the element type is the one to resolve.
  const to = node.to?.arrayOf ?? node.to;
  if (node.type === 'cast' && to?.name) {
    const key = typeKey(to as { name: string; schema?: string });
    if (!TYPE_NAME.test(to.name) || (to.schema && !TYPE_NAME.test(to.schema)))
      throw err(`"${key}" is not a type name`);
    out.add(key);
  }
  for (const v of Object.values(node)) castNames(v, out);
}

async function resolveTypes(pool: Pool, names: string[]): Promise<Map<string, SqlType>> {
  const { rows } = await pool
    .query<{
      name: string;
      oid: number | null;
      nsp: string;
      typname: string;
      typtype: string;
      display: string;
      labels: string[] | null;
    }>(
      `SELECT n.name, t.oid, ns.nspname AS nsp, t.typname, t.typtype::text AS typtype,
            format_type(t.oid, NULL) AS display,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels
       FROM unnest($1::text[]) AS n(name)
       LEFT JOIN pg_type t ON t.oid = to_regtype(n.name)
       LEFT JOIN pg_namespace ns ON ns.oid = t.typnamespace`,
      [names],
    )
    .catch((e: unknown) => {
      // to_regtype refuses a malformed name (42601) rather than answering NULL.
      if (String((e as { code?: string }).code).startsWith('42')) throw err('a cast names no known type');
      throw e;
    });
  const out = new Map<string, SqlType>();
  for (const r of rows) {
    if (r.oid === null) continue;
    out.set(r.name, {
      oid: r.oid,
      cast: `${ident(r.nsp)}.${ident(r.typname)}`,
      display: r.display,
      kind: kindOf(r.typname, r.typtype),
      labels: r.labels ?? undefined,
    });
  }
  return out;
}

/** Runs the constants through Postgres, in the capture's display settings, in one statement. */
async function canonicalise(pool: Pool, ctx: Ctx): Promise<void> {
  if (ctx.pending.length === 0) return;
  const select = ctx.pending.map((p, i) => `(${p.sql})::text AS c${i}`).join(', ');
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    // All settings in one round trip: this runs for every new shape, the app's own too.
    const settings = Object.entries(DISPLAY_SETTINGS);
    await client.query(
      `SELECT ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
      settings.flat(),
    );
    const { rows } = await client.query<Record<string, string | null>>(`SELECT ${select}`, ctx.values);
    await client.query('COMMIT');
    ctx.pending.forEach((p, i) => {
      const v = rows[0]![`c${i}`] ?? null;
      p.node.v = v !== null && p.node.t?.kind === 'bool' ? (v === 'true' ? 't' : 'f') : v;
    });
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    const code = String((e as { code?: string }).code);
    // 22: a value the type rejects; 42: a cast Postgres does not have. Both the client's doing.
    if (code.startsWith('22') || code.startsWith('42')) {
      // Postgres' own message stays in the server: name the types instead.
      const types = [...new Set(ctx.pending.map((p) => p.node.t?.display))].join(' or ');
      throw err(`a constant or parameter is not a valid ${types}`);
    }
    throw e;
  } finally {
    client.release();
  }
}

function checkLikes(e: Expr): void {
  switch (e.k) {
    case 'like':
      if (e.pattern.k === 'const' && e.pattern.v !== null) {
        const re = likePattern(e.pattern.v, e.ci);
        if (!re) throw err('LIKE pattern must not end with escape character');
        e.re = re;
      }
      return;
    case 'and':
    case 'or':
      return e.args.forEach(checkLikes);
    case 'not':
    case 'is':
      return checkLikes(e.arg);
    default:
      return;
  }
}

/** Parses and type-checks a where clause against a table; constants converted by Postgres. */
export async function compileWhere(
  pool: Pool,
  table: TableInfo,
  sql: string,
  params: Record<string, string>,
): Promise<Expr> {
  let ast: Ast;
  try {
    const parsed = parse(sql, { entry: 'expr', locationTracking: true } as never) as unknown;
    ast = (Array.isArray(parsed) ? parsed[0] : parsed) as Ast;
  } catch (e) {
    throw err(`syntax error: ${String((e as Error).message).split('\n')[0]}`);
  }
  const names = new Set<string>(BASE);
  castNames(ast, names);
  const ctx: Ctx = {
    table,
    params,
    types: await resolveTypes(pool, [...names]),
    values: [],
    pending: [],
    arrays: [],
    sql,
  };
  const expr = predicate(ctx, build(ctx, ast));
  await canonicalise(pool, ctx);
  for (const { node, holder } of ctx.arrays) {
    const texts = JSON.parse(holder.v ?? '[]') as (string | null)[];
    const bool = node.elem.kind === 'bool';
    node.list = texts.map((v) => ({
      k: 'const' as const,
      v: v !== null && bool ? (v === 'true' ? 't' : 'f') : v,
      t: node.elem,
    }));
  }
  checkLikes(expr);
  return expr;
}
