import type { Row } from '../change';
import type { CmpOp, Expr } from './expr';
import { asciiLower, asText, compareAs, likePattern, type SqlType } from './values';

// A compiled where clause applied to one row of the stream, with SQL's three-valued logic:
// true, false or null (unknown), and a row is in the shape only when the clause is true.

type Truth = boolean | null;

function convert(from: SqlType | undefined, to: SqlType, v: string): string {
  // char(n) compared as text (or cast to it) loses its padding, as bpchar → text does.
  if (from?.kind === 'bpchar' && to.kind !== 'bpchar') return asText('bpchar', v);
  return v;
}

function value(e: Expr, row: Row): string | null {
  switch (e.k) {
    case 'col':
      return row[e.name] ?? null;
    case 'const':
      return e.v;
    case 'cast': {
      const v = value(e.arg, row);
      if (v === null) return null;
      const from = (e.arg as { t: SqlType }).t;
      return e.t.kind === 'text' ? asText(from.kind, v) : v;
    }
    default: {
      const t = truth(e, row);
      return t === null ? null : t ? 't' : 'f';
    }
  }
}

const sideType = (e: Expr): SqlType | undefined =>
  e.k === 'col' || e.k === 'cast' || e.k === 'const' ? e.t : undefined;

function compareSides(t: SqlType, l: Expr, r: Expr, row: Row): number | null {
  const a = value(l, row);
  const b = value(r, row);
  if (a === null || b === null) return null;
  return compareAs(t, convert(sideType(l), t, a), convert(sideType(r), t, b));
}

function and(args: Truth[]): Truth {
  if (args.includes(false)) return false;
  return args.includes(null) ? null : true;
}

function or(args: Truth[]): Truth {
  if (args.includes(true)) return true;
  return args.includes(null) ? null : false;
}

function holds(op: CmpOp, c: number | null): Truth {
  if (c === null) return null;
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

const not = (t: Truth): Truth => (t === null ? null : !t);

export function truth(e: Expr, row: Row): Truth {
  switch (e.k) {
    case 'col':
    case 'const':
    case 'cast': {
      const v = value(e, row);
      return v === null ? null : v === 't' || v === 'true';
    }
    case 'cmp':
      return holds(e.op, compareSides(e.t, e.l, e.r, row));
    case 'quant': {
      // ANY: some element holds (NULL if none does and one is unknown); ALL: every one does.
      const each = e.list.map((item) => holds(e.op, compareSides(e.t, e.arg, item, row)));
      return e.all ? and(each) : or(each);
    }
    case 'and':
      return and(e.args.map((a) => truth(a, row)));
    case 'or':
      return or(e.args.map((a) => truth(a, row)));
    case 'not':
      return not(truth(e.arg, row));
    case 'null': {
      const isNull = value(e.arg, row) === null;
      return e.neg ? !isNull : isNull;
    }
    case 'is': {
      const t = truth(e.arg, row);
      const is = t === e.value;
      return e.neg ? !is : is;
    }
    case 'in': {
      const found = or(
        e.list.map((item) => {
          const c = compareSides(e.t, e.arg, item, row);
          return c === null ? null : c === 0;
        }),
      );
      return e.neg ? not(found) : found;
    }
    case 'like': {
      const v = value(e.arg, row);
      if (v === null) return null;
      let re = e.re;
      if (!re) {
        const p = value(e.pattern, row);
        if (p === null) return null;
        re = likePattern(convert(sideType(e.pattern), TEXT, p), e.ci);
        if (!re) return null; // Postgres would raise; the row cannot be in the shape
      }
      // char(n) LIKE matches the padded value (Postgres' bpcharlike), unlike a comparison.
      const text = v;
      const matched = re.test(e.ci ? asciiLower(text) : text);
      return e.neg ? !matched : matched;
    }
  }
  return null;
}

const TEXT: SqlType = { oid: 25, cast: '"pg_catalog"."text"', display: 'text', kind: 'text' };

/** Whether the row is in the shape: the clause is true (not false, not unknown). */
export function matchesWhere(e: Expr, row: Row): boolean {
  return truth(e, row) === true;
}
