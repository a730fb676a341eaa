import fc from 'fast-check';
import pg from 'pg';
import { expect } from 'vitest';
import { DISPLAY_SETTINGS } from '../../server/src/sync/capture';
import { readTable, type TableInfo } from '../../server/src/sync/catalog';
import type { Row } from '../../server/src/sync/change';
import { compileWhere } from '../../server/src/sync/where/compile';
import { matchesWhere } from '../../server/src/sync/where/evaluate';
import { whereSql } from '../../server/src/sync/where/sql';
import { withFixtures } from '../support/fixtures';

// The where-clause evaluator against Postgres itself: random clauses of the grammar over random
// rows, each clause run by Postgres (SELECT … WHERE <clause>, parameters untyped as a client sends
// them) and by our evaluator over the rows' text form; the matching ids must be the same. The
// snapshot's SQL form of the compiled clause must select the same ids too.

const SEED = 20261201;
const RUNS = 2_000;

const it = withFixtures();
let pool: pg.Pool;
let table: TableInfo;
let rows: Row[];

// Small pools so that equal values meet often; edge cases of each type on purpose.
const POOLS = {
  t: ['', 'a', 'A', 'b', 'ab', 'a b', 'ab ', 'é', 'É', 'Z', '%', '_x', '😀', 'a\\b'],
  c: ['a', 'ab', 'ab  ', ' a', 'b'],
  i: ['-1', '0', '1', '2', '42', '2147483647'],
  b: ['9007199254740993', '9007199254740992', '-9223372036854775808', '0', '5'],
  n: ['1.5', '1.50', '-0.000001', '123456789012345678901234567890.1', '0', 'NaN', '2', '-2.5'],
  f: ['true', 'false'],
  u: [
    '00000000-0000-4000-8000-00000000000a',
    '00000000-0000-4000-8000-00000000000B',
    'ffffffff-0000-4000-8000-000000000000',
  ],
  ts: [
    '2024-01-01 00:00:00+00',
    '2024-01-01 01:00:00+01',
    '2023-12-31 23:59:59.999999+00',
    '2024-06-01 12:00:00.5-07',
    'infinity',
  ],
  d: ['2024-01-01', '2023-12-31', '2024-02-29', '-infinity'],
  e: ['sad', 'ok', 'happy'],
} as const;
type Col = keyof typeof POOLS;
const COLS = Object.keys(POOLS) as Col[];
const NUMBERS: Col[] = ['i', 'b', 'n'];
const STRINGS: Col[] = ['t', 'c'];

it.beforeAll(async ({ database }) => {
  // The capture's session settings: a cast of a timestamptz to text reads them.
  const options = Object.entries(DISPLAY_SETTINGS)
    .map(([k, v]) => `-c ${k}=${v.replaceAll(' ', '\\ ')}`)
    .join(' ');
  pool = new pg.Pool({ connectionString: database.url, max: 2, options });
  await pool.query(`
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE w_rows (id int PRIMARY KEY, t text COLLATE "C", c char(4), i int4, b int8, n numeric,
      f bool, u uuid, ts timestamptz, d date, e mood);`);
  const gen = fc.record(
    Object.fromEntries(COLS.map((c) => [c, fc.option(fc.constantFrom(...POOLS[c]), { freq: 5 })])),
  ) as fc.Arbitrary<Record<Col, string | null>>;
  const values = fc.sample(gen, { seed: SEED, numRuns: 40 });
  for (const [id, v] of values.entries()) {
    await pool.query(`INSERT INTO w_rows VALUES ($1, ${COLS.map((_, i) => `$${i + 2}`).join(', ')})`, [
      id,
      ...COLS.map((c) => v[c]),
    ]);
  }
  table = (await readTable(pool, 'public', 'w_rows'))!;
  // The text form the stream carries: each type's output function, booleans as t/f.
  const select = COLS.map((c) =>
    c === 'c'
      ? `textin(bpcharout(c)) AS c`
      : c === 'f'
        ? `CASE f WHEN true THEN 't' WHEN false THEN 'f' END AS f`
        : `${c}::text AS ${c}`,
  );
  rows = (await pool.query<Row>(`SELECT id::text AS id, ${select.join(', ')} FROM w_rows ORDER BY id`)).rows;
});
it.afterAll(async () => {
  await pool?.end();
});

interface Clause {
  sql: string;
  params: string[];
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const OPS = ['=', '<>', '!=', '<', '<=', '>', '>='] as const;

/** A constant of the column's type: a quoted literal, a bare number, or a $n parameter. */
function constant(col: Col): fc.Arbitrary<Clause> {
  const value = fc.constantFrom(...POOLS[col]);
  return fc.oneof(
    value.map((v) => ({ sql: quote(v), params: [] })),
    value.map((v) => ({ sql: '$?', params: [v] })),
    ...(NUMBERS.includes(col)
      ? [value.filter((v) => v !== 'NaN').map((v) => ({ sql: v.startsWith('-') ? `(${v})` : v, params: [] }))]
      : []),
    ...(col === 'f' ? [fc.constantFrom('true', 'false').map((v) => ({ sql: v, params: [] }))] : []),
  );
}

const join = (parts: Clause[], f: (sql: string[]) => string): Clause => ({
  sql: f(parts.map((p) => p.sql)),
  params: parts.flatMap((p) => p.params),
});

const colArb = fc.constantFrom(...COLS);

const leaf: fc.Arbitrary<Clause> = fc.oneof(
  // column op constant
  colArb.chain((c) =>
    fc
      .tuple(fc.constantFrom(...OPS), constant(c), fc.boolean())
      .map(([op, k, flip]) =>
        flip ? join([k], ([s]) => `${s} ${op} ${c}`) : join([k], ([s]) => `${c} ${op} ${s}`),
      ),
  ),
  // column op column of the same family (mixed numbers, text against char(n))
  fc
    .oneof(
      fc.tuple(fc.constantFrom(...NUMBERS), fc.constantFrom(...NUMBERS)),
      fc.tuple(fc.constantFrom(...STRINGS), fc.constantFrom(...STRINGS)),
    )
    .chain(([a, b]) => fc.constantFrom(...OPS).map((op) => ({ sql: `${a} ${op} ${b}`, params: [] }))),
  // IN / NOT IN
  colArb.chain((c) =>
    fc
      .tuple(fc.array(constant(c), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
      .map(([ks, neg, withNull]) =>
        join(
          ks,
          (s) => `${c} ${neg ? 'NOT IN' : 'IN'} (${[...s, ...(withNull ? ['NULL'] : [])].join(', ')})`,
        ),
      ),
  ),
  // op ANY / ALL (array): TanStack DB's inArray sends `col = ANY($1)` with a `{a,b}` literal.
  // Arrays as a parameter, a quoted literal or either cast to type[]; NULL elements, empty arrays.
  colArb.chain((c) =>
    fc
      .tuple(
        fc.constantFrom(...OPS),
        fc.constantFrom('ANY', 'ALL', 'SOME'),
        fc.array(fc.option(fc.constantFrom(...POOLS[c]), { freq: 4 }), { maxLength: 4 }),
        fc.constantFrom('param', 'literal'),
        fc.boolean(),
      )
      .map(([op, q, items, form, cast]) => {
        const array = arrayLiteral(items);
        const arg = form === 'param' ? '$?' : quote(array);
        return {
          sql: `${c} ${op} ${q}(${arg}${cast ? `::${castName(c)}[]` : ''})`,
          params: form === 'param' ? [array] : [],
        };
      }),
  ),
  // IS [NOT] NULL
  fc.tuple(colArb, fc.boolean()).map(([c, neg]) => ({ sql: `${c} IS ${neg ? 'NOT ' : ''}NULL`, params: [] })),
  // booleans
  fc.constantFrom('f', 'f IS TRUE', 'f IS NOT TRUE', 'f IS FALSE', 'f IS NOT FALSE', 'NOT f').map((sql) => ({
    sql,
    params: [],
  })),
  // [NOT] [I]LIKE on text (and char(n) cast to text)
  fc
    .tuple(
      fc.constantFrom('t', 'c', 'c::text', 'u::text', 'e::text', 'i::text', 'f::text'),
      fc.constantFrom('LIKE', 'NOT LIKE', 'ILIKE', 'NOT ILIKE'),
      fc.constantFrom(
        'a%',
        '%b',
        '_',
        'A%',
        '%',
        'ab',
        'a_b',
        '\\%',
        '%\\_x',
        '00000000%',
        'tr%',
        '%a%',
        'é%',
        'É%',
        '😀',
      ),
      fc.boolean(),
    )
    .map(([c, op, p, asParam]) =>
      asParam ? { sql: `${c} ${op} $?`, params: [p] } : { sql: `${c} ${op} ${quote(p)}`, params: [] },
    ),
  // BETWEEN
  colArb
    .filter((c) => c !== 'f')
    .chain((c) =>
      fc
        .tuple(constant(c), constant(c), fc.boolean())
        .map(([lo, hi, neg]) =>
          join([lo, hi], ([l, h]) => `${c} ${neg ? 'NOT BETWEEN' : 'BETWEEN'} ${l} AND ${h}`),
        ),
    ),
  // casts
  fc
    .tuple(
      fc.constantFrom(
        ['i::text', 't'],
        ['b::numeric', 'n'],
        ['i::int8', 'b'],
        ['n::float8', 'n'],
        ['e::text', 't'],
        ['ts::text', 't'],
        ['d::text', 't'],
        ['f::text', 't'],
      ),
      fc.constantFrom(...OPS),
    )
    .chain(([[expr, like], op]) =>
      constant(like as Col).map((k) => join([k], ([s]) => `${expr} ${op} ${s}`)),
    ),
  fc
    .tuple(
      colArb.filter((c) => c !== 'f'),
      fc.constantFrom(...OPS),
    )
    .chain(([c, op]) =>
      fc
        .constantFrom(...POOLS[c])
        .map((v) => ({ sql: `${c} ${op} ${quote(v)}::${castName(c)}`, params: [] })),
    ),
);

/** A Postgres array literal, as TanStack DB's serializer writes one: quoted elements, NULL bare. */
function arrayLiteral(items: (string | null)[]): string {
  const quoted = items.map((v) =>
    v === null ? 'NULL' : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  );
  return `{${quoted.join(',')}}`;
}

function castName(c: Col): string {
  return {
    t: 'text',
    c: 'char(4)',
    i: 'int',
    b: 'bigint',
    n: 'numeric',
    f: 'bool',
    u: 'uuid',
    ts: 'timestamptz',
    d: 'date',
    e: 'mood',
  }[c];
}

const clause: fc.Arbitrary<Clause> = fc.letrec<{ node: Clause }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('node'), tie('node'), fc.constantFrom('AND', 'OR'))
      .map(([a, b, op]) => join([a, b], ([x, y]) => `(${x}) ${op} (${y})`)),
    tie('node').map((a) => join([a], ([x]) => `NOT (${x})`)),
  ),
})).node;

/** `$?` placeholders numbered in order: params[1..n]. */
function numbered(c: Clause): { sql: string; params: Record<string, string>; list: string[] } {
  let n = 0;
  const sql = c.sql.replace(/\$\?/g, () => `$${++n}`);
  return { sql, params: Object.fromEntries(c.params.map((v, i) => [String(i + 1), v])), list: c.params };
}

const ids = (r: { id?: unknown }[]) => r.map((x) => Number(x.id)).sort((a, b) => a - b);

it(`agrees with Postgres on ${RUNS} random where clauses over random rows (seed ${SEED})`, async () => {
  console.log(`where-clause agreement: fast-check seed ${SEED}, ${RUNS} clauses, ${rows.length} rows`);
  let matchedSome = 0;
  await fc.assert(
    fc.asyncProperty(clause, async (c) => {
      const { sql, params, list } = numbered(c);
      const byPostgres = ids((await pool.query(`SELECT id FROM w_rows WHERE ${sql}`, list)).rows);
      const expr = await compileWhere(pool, table, sql, params);
      const ours = ids(rows.filter((r) => matchesWhere(expr, r)));
      expect(ours, sql).toEqual(byPostgres);
      const snapshot = whereSql(expr);
      const bySnapshot = ids(
        (await pool.query(`SELECT id FROM w_rows WHERE ${snapshot.sql}`, snapshot.values)).rows,
      );
      expect(bySnapshot, `${sql}\n  as ${snapshot.sql}`).toEqual(byPostgres);
      if (byPostgres.length > 0 && byPostgres.length < rows.length) matchedSome++;
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  // The clauses discriminate: a good share selects some rows but not all.
  expect(matchedSome).toBeGreaterThan(RUNS / 5);
}, 600_000);
