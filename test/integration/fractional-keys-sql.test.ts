import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pg from 'pg';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { createTestDatabase, type TestDatabase } from '../support/db';

// migrations/0060 ports fractional-indexing's generateKeyBetween to SQL for the one-statement
// task writes; both kinds of keys live in the same lists, so the two must agree exactly. Random
// (seeded) neighbour pairs from real key sequences — appends, prepends, bisections, deep
// fractions, long integer parts — go to Postgres in one query and are compared with the library.

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const sqlKeys = async (pairs: [string | null, string | null][]) =>
  (
    await client.query<{ k: string }>(
      `SELECT kanban_key_between(a, b) AS k FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(a, b, n) ORDER BY n`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    )
  ).rows.map((r) => r.k);

/** A sorted list of distinct valid keys grown by random inserts (as a board grows). */
const keyList = fc
  .array(fc.tuple(fc.nat(), fc.constantFrom('end', 'start', 'between', 'many')), { maxLength: 60 })
  .map((ops) => {
    const keys: string[] = [];
    for (const [n, op] of ops) {
      if (op === 'end') keys.push(generateKeyBetween(keys.at(-1) ?? null, null));
      else if (op === 'start') keys.unshift(generateKeyBetween(null, keys[0] ?? null));
      else if (op === 'many') keys.push(...generateNKeysBetween(keys.at(-1) ?? null, null, 1 + (n % 40)));
      else if (keys.length >= 2) {
        const i = n % (keys.length - 1);
        keys.splice(i + 1, 0, generateKeyBetween(keys[i], keys[i + 1]));
      }
    }
    return keys;
  });

describe('kanban_key_between (SQL) agrees with fractional-indexing', () => {
  it('at the ends of the empty list and of the extremes', async () => {
    const pairs: [string | null, string | null][] = [
      [null, null],
      ['a0', null],
      [null, 'a0'],
      ['Zz', null],
      [null, 'b00'],
      ['zzzzzzzzzzzzzzzzzzzzzzzzzzzy', null],
      [null, 'A00000000000000000000000001'],
      ['a0', 'a1'],
      ['a0', 'a0V'],
      ['a0V', 'a1'],
      ['a1', 'a0'], // the library swaps reversed neighbours
    ];
    expect(await sqlKeys(pairs)).toEqual(pairs.map(([a, b]) => generateKeyBetween(a, b)));
  });

  it('for neighbours drawn from random key lists (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(keyList, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), async (keys, picks) => {
        const pairs: [string | null, string | null][] = picks.map((n) => {
          const i = n % (keys.length + 1); // gap i: between keys[i-1] and keys[i]
          return [keys[i - 1] ?? null, keys[i] ?? null];
        });
        expect(await sqlKeys(pairs)).toEqual(pairs.map(([a, b]) => generateKeyBetween(a, b)));
      }),
      { seed: 1313, numRuns: 150 },
    );
  });

  it('refuses what the library refuses (equal neighbours, a trailing zero, a bad head)', async () => {
    for (const [a, b] of [
      ['a1', 'a1'],
      ['a10', null],
      ['!0', null],
    ] as const) {
      expect(() => generateKeyBetween(a, b)).toThrow();
      await expect(sqlKeys([[a, b]])).rejects.toThrow();
    }
  });
});
