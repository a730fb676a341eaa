import { randomUUID } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { bodyAccepted, queryAccepted, type BodyContract, type QueryContract } from './contract';

// Generators of malformed requests for the fuzz test. A request is raw text plus a content type,
// so keys like __proto__ stay own keys and lone surrogates travel as JSON escapes. What counts as
// malformed is decided by the hand-written API contract (contract.ts), never by the server's
// own schemas, so a schema that accepts too much shows up as a 2xx to a malformed request.

export interface RawRequest {
  body?: string;
  contentType?: string;
  query?: string;
  /** What kind of malformation it is, to report a failure readably. */
  kind: string;
}

const NUL = 'a\u0000b';
const LONE = ['\ud800', 'x\udfff', '\udc00\ud800'];

/** Values that are wrong for most fields, or strings that are only wrong for Postgres. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, '', '   ', [], {}, [null], NUL, ...LONE),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `${s}\u0000`),
  fc.integer({ min: 201, max: 30_000 }).map((n) => 'é'.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.string(), { maxLength: 4 }),
);

const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'id ', 'evil'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
);

const deep = (n: number, inner = '0') => '['.repeat(n) + inner + ']'.repeat(n);

/** A value for a field: the contract's own valid and invalid examples, or generic bad ones. */
const valueFor = (contract: BodyContract, key: string): fc.Arbitrary<unknown> => {
  const f = contract.fields[key];
  return f ? fc.oneof(badValue, fc.constantFrom(...f.valid, ...f.invalid)) : badValue;
};

/**
 * Malformed requests for a JSON write endpoint, built from a valid body: every generated request
 * is one the contract refuses, so each must be answered 4xx (and write nothing).
 */
export function badWrites(
  valid: Record<string, unknown>,
  contract: BodyContract,
  limit: number,
): fc.Arbitrary<RawRequest> {
  const keys = Object.keys(valid);
  const known = [...new Set([...keys, ...Object.keys(contract.fields)])];
  const candidates = [...known, 'placement', 'settings', 'name', 'title'];
  const replaceField = fc
    .array(fc.constantFrom(...candidates), { minLength: 1, maxLength: 3 })
    .chain((ks) => fc.tuple(...ks.map((k) => valueFor(contract, k).map((v) => [k, v] as const))))
    .map((pairs) => ({ ...valid, ...Object.fromEntries(pairs) }));
  const dropField = fc
    .constantFrom(...keys)
    .map((k) => Object.fromEntries(keys.filter((x) => x !== k).map((x) => [x, valid[x]])));
  const json = fc
    .oneof(replaceField, dropField, fc.jsonValue({ maxDepth: 4 }))
    // Judged as it goes on the wire: JSON turns NaN/Infinity into null and drops undefined.
    .filter((b) => !bodyAccepted(contract, JSON.parse(JSON.stringify(b) ?? 'null')));

  const asJson = json.map((b): RawRequest => ({ body: JSON.stringify(b), kind: 'json' }));
  const withExtraKey = fc
    .record({ key: extraKey, value: fc.jsonValue({ maxDepth: 2 }) })
    .map(({ key, value }): RawRequest => ({
      // Written by hand: an object literal would turn "__proto__" into a prototype, not a key.
      body: `{${JSON.stringify(key)}:${JSON.stringify(value)},${JSON.stringify(valid).slice(1)}`,
      kind: `extra key ${JSON.stringify(key)}`,
    }))
    // A generated key may happen to be a real field, repeated: JSON keeps the last value.
    .filter((r) => !bodyAccepted(contract, JSON.parse(r.body!)));
  const nested = fc
    .record({ depth: fc.integer({ min: 50, max: 10_000 }), key: fc.constantFrom(...keys, 'settings') })
    .map(({ depth, key }): RawRequest => {
      const whole = depth % 2 === 0;
      return {
        body: whole ? deep(depth) : `{${JSON.stringify(key)}:${deep(depth)},"zz":1}`,
        kind: `nested ${depth}`,
      };
    });
  const brokenJson = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !parsesAsObject(s)),
      fc.nat({ max: JSON.stringify(valid).length - 1 }).map((n) => JSON.stringify(valid).slice(0, n)),
      fc.constantFrom(
        '{"a":1}}',
        "{'name':'x'}",
        '{"name":"x",}',
        'NaN',
        '\ufeff{}',
        '[1,2',
        '{"name":"\\x41"}',
      ),
    )
    .map((body): RawRequest => ({ body, kind: 'broken json' }));
  const wrongType = fc
    .record({
      contentType: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/vnd.api+jsonx',
      ),
    })
    .map(({ contentType }): RawRequest => ({
      body: JSON.stringify(valid),
      contentType,
      kind: `type ${contentType}`,
    }));
  const tooLarge = fc
    .integer({ min: limit + 1, max: limit * 3 })
    .map((n): RawRequest => ({ body: JSON.stringify({ ...valid, pad: 'x'.repeat(n) }), kind: `${n} bytes` }));

  return fc.oneof(
    { arbitrary: asJson, weight: 5 },
    { arbitrary: withExtraKey, weight: 2 },
    { arbitrary: nested, weight: 1 },
    { arbitrary: brokenJson, weight: 2 },
    { arbitrary: wrongType, weight: 1 },
    { arbitrary: tooLarge, weight: 1 },
  );
}

/** Query strings the contract refuses, for an endpoint with the given query contract. */
export function badQueries(contract: QueryContract, goodValues: string[]): fc.Arbitrary<RawRequest> {
  const keys = Object.keys(contract.fields);
  const examples = Object.values(contract.fields).flatMap((f) => [...f.valid, ...f.invalid].map(String));
  const value = fc.oneof(
    fc.constantFrom(...goodValues, ...examples),
    badValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
    fc.constant(randomUUID()),
  );
  const encoded = fc
    .array(
      fc.record({ key: fc.oneof(fc.constantFrom(...keys, '__proto__', 'constructor'), extraKey), value }),
      {
        minLength: 1,
        maxLength: 4,
      },
    )
    .map((pairs) => pairs.map((p) => `${pct(p.key)}=${pct(p.value)}`).join('&'));
  const raw = fc.oneof(
    fc.constantFrom('%', '%zz', 'q=%E0%A4%A', 'q=%00', 'limit=1&limit=2', 'q', '=x', '&&&', 'q=%F0%9F'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 30 }).map((s) => s.replace(/#/g, '')),
  );
  return (
    fc
      .oneof(encoded, raw)
      // As it goes on the wire: the URL parser trims and escapes some characters (" " -> "").
      .map((q) => new URL(`http://host/?${q}`).search.slice(1))
      .filter((q) => !queryAccepted(contract, parseQuery(q)))
      .map((query): RawRequest => ({ query, kind: 'query' }))
  );
}

/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on a lone surrogate). */
const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

function parsesAsObject(s: string): boolean {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

/**
 * Bodies the contract accepts (required fields, a random subset of optional ones, each from its
 * valid examples or `pick` for ids that must exist): the server must not refuse them as invalid.
 */
export function goodWrites(
  contract: BodyContract,
  pick: Record<string, unknown[]> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(contract.fields).map(([k, f]) => {
    const value = fc.constantFrom(...(pick[k] ?? f.valid));
    return [k, f.required ? value : fc.option(value, { nil: undefined })] as const;
  });
  return fc
    .tuple(...entries.map(([k, arb]) => arb.map((v) => [k, v] as const)))
    .map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)))
    .filter((b) => bodyAccepted(contract, b));
}

/** Every invalid example of the table, one field at a time in an otherwise valid body. */
export function tableWrites(valid: Record<string, unknown>, contract: BodyContract): RawRequest[] {
  return Object.entries(contract.fields).flatMap(([k, f]) =>
    f.invalid
      .map((v) => ({ ...valid, [k]: v }))
      .filter((b) => !bodyAccepted(contract, b))
      .map((b): RawRequest => ({ body: JSON.stringify(b), kind: `table ${k}` })),
  );
}

/** Every invalid example of the query table, each alone. */
export function tableQueries(contract: QueryContract): RawRequest[] {
  return Object.entries(contract.fields).flatMap(([k, f]) =>
    f.invalid
      .map(String) // a query value is text: null, 1 or [id] arrive as "null", "1" or the id
      .filter((v) => !f.ok(v))
      .map((v): RawRequest => ({ query: `${pct(k)}=${pct(v)}`, kind: `table ${k}` })),
  );
}
