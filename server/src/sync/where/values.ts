// How values of each type compare, on the text form Postgres prints them in (pgoutput and the
// snapshot's ::text under capture.ts' DISPLAY_SETTINGS). Constants reach here already in that form
// (constants.ts has Postgres itself convert them), so these only order canonical texts.

/** The comparison family of a type: how its text form orders. */
export type Kind =
  | 'text' // text, varchar, name: code point order, i.e. COLLATE "C" (what Electric does too)
  | 'bpchar' // char(n): trailing spaces do not count
  | 'int' // int2/4/8: exact, any size (no 2^53 limit)
  | 'numeric' // exact decimal, NaN and ±Infinity as Postgres orders them
  | 'float' // float4/8: IEEE doubles, NaN above everything (Postgres' rule)
  | 'bool'
  | 'uuid'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'enum' // by the enum's sort order
  | 'other'; // anything else: only IS [NOT] NULL

export interface SqlType {
  oid: number;
  /** `"schema"."name"` as a cast target (no typmod: a constant is never truncated by one). */
  cast: string;
  /** For messages: format_type(). */
  display: string;
  kind: Kind;
  /** Enum labels in sort order. */
  labels?: readonly string[];
}

const KINDS: Record<string, Kind> = {
  text: 'text',
  varchar: 'text',
  name: 'text',
  bpchar: 'bpchar',
  int2: 'int',
  int4: 'int',
  int8: 'int',
  numeric: 'numeric',
  float4: 'float',
  float8: 'float',
  bool: 'bool',
  uuid: 'uuid',
  timestamptz: 'timestamptz',
  timestamp: 'timestamp',
  date: 'date',
};

export function kindOf(typname: string, typtype: string): Kind {
  if (typtype === 'e') return 'enum';
  return KINDS[typname] ?? 'other';
}

/** Families whose members Postgres compares with each other without an explicit cast. */
export function family(k: Kind): string {
  if (k === 'int' || k === 'numeric' || k === 'float') return 'number';
  if (k === 'bpchar' || k === 'text') return 'string';
  return k;
}

const rtrim = (s: string) => s.replace(/ +$/, '');

/** The value as `::text` would print it: what a cast to text or a LIKE sees. */
export function asText(kind: Kind, v: string): string {
  if (kind === 'bool') return v === 't' || v === 'true' ? 'true' : 'false';
  if (kind === 'bpchar') return rtrim(v);
  return v;
}

/** Code point order; UTF-16 order differs only once surrogates are involved. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

interface Decimal {
  special?: 'nan' | 'inf' | '-inf';
  neg: boolean;
  /** Digits without leading/trailing zeros, and the position of the decimal point in them. */
  digits: string;
  point: number;
}

function decimal(s: string): Decimal {
  const t = s.trim();
  if (/^nan$/i.test(t)) return { special: 'nan', neg: false, digits: '', point: 0 };
  if (/^\+?inf(inity)?$/i.test(t)) return { special: 'inf', neg: false, digits: '', point: 0 };
  if (/^-inf(inity)?$/i.test(t)) return { special: '-inf', neg: true, digits: '', point: 0 };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(t);
  if (!m) throw new Error(`not a number: ${s}`);
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  let digits = int + frac;
  let point = int.length + Number(m[4] ?? 0);
  const lead = /^0*/.exec(digits)![0].length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return { neg: false, digits: '', point: 0 };
  return { neg: m[1] === '-', digits, point };
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  if (a.digits === '' || b.digits === '') return a.digits === b.digits ? 0 : a.digits === '' ? -1 : 1;
  if (a.point !== b.point) return a.point < b.point ? -1 : 1;
  const n = Math.max(a.digits.length, b.digits.length);
  const x = a.digits.padEnd(n, '0');
  const y = b.digits.padEnd(n, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

const rank = (d: Decimal) =>
  d.special === 'nan' ? 3 : d.special === 'inf' ? 2 : d.special === '-inf' ? 0 : 1;

/** Exact decimal order (integers of any size too), NaN above +Infinity, as numeric orders them. */
export function compareDecimal(a: string, b: string): number {
  const x = decimal(a);
  const y = decimal(b);
  if (rank(x) !== rank(y)) return rank(x) < rank(y) ? -1 : 1;
  if (x.special) return 0;
  const sx = x.digits === '' ? 0 : x.neg ? -1 : 1;
  const sy = y.digits === '' ? 0 : y.neg ? -1 : 1;
  if (sx !== sy) return sx < sy ? -1 : 1;
  return sx * compareMagnitude(x, y);
}

function compareFloat(a: string, b: string): number {
  const x = Number(a.replace(/^(-?)inf(inity)?$/i, '$1Infinity'));
  const y = Number(b.replace(/^(-?)inf(inity)?$/i, '$1Infinity'));
  if (Number.isNaN(x) || Number.isNaN(y))
    return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A timestamp's text (ISO DateStyle) as microseconds since 2000-01-01 in UTC, `±infinity` at the
 * ends. With TimeZone=UTC timestamptz prints +00, but any offset is honoured.
 */
export function timestampMicros(s: string): bigint {
  if (s === 'infinity') return 1n << 80n; // past Postgres' last timestamp (294276 AD)
  if (s === '-infinity') return -(1n << 80n);
  const m =
    /^(\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/.exec(
      s,
    );
  if (!m) throw new Error(`not a timestamp: ${s}`);
  let year = Number(m[1]);
  if (m[12]) year = 1 - year; // 1 BC is year 0
  const days = BigInt(daysFromCivil(year, Number(m[2]), Number(m[3])));
  const secs = BigInt(Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0));
  const micros = BigInt((m[7] ?? '').padEnd(6, '0') || '0');
  const offset = m[8]
    ? BigInt((m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)))
    : 0n;
  return (days * 86_400n + secs - offset) * 1_000_000n + micros;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const sign = (n: bigint) => (n < 0n ? -1 : n > 0n ? 1 : 0);

/** Orders two non-null values compared as `kind` (after the implicit casts the parser decided). */
export function compareAs(t: SqlType, a: string, b: string): number {
  switch (t.kind) {
    case 'text':
      return compareText(a, b);
    case 'bpchar':
      return compareText(rtrim(a), rtrim(b));
    case 'int':
    case 'numeric':
      return compareDecimal(a, b);
    case 'float':
      return compareFloat(a, b);
    case 'bool':
      return compareText(asText('bool', a), asText('bool', b)); // false < true
    case 'uuid':
      return compareText(a.toLowerCase(), b.toLowerCase());
    case 'timestamptz':
    case 'timestamp':
    case 'date':
      return sign(timestampMicros(a) - timestampMicros(b));
    case 'enum': {
      const labels = t.labels ?? [];
      return Math.sign(labels.indexOf(a) - labels.indexOf(b));
    }
    case 'other':
      throw new Error('values of this type are not compared');
  }
}

/** LIKE / ILIKE as a RegExp: % any run, _ one character, backslash escapes. Undefined: invalid. */
export function likePattern(pattern: string, insensitive: boolean): RegExp | undefined {
  let re = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      if (i + 1 >= chars.length) return undefined; // Postgres: must not end with escape character
      re += escapeRe(chars[++i]!);
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += escapeRe(insensitive ? asciiLower(c) : c);
  }
  return new RegExp(`^${re}$`, 'su');
}

const escapeRe = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** ILIKE folds case as the C locale does: ASCII letters only (see compile's COLLATE "C"). */
export const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
