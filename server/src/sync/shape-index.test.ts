import { describe, expect, it } from 'vitest';
import type { Change } from './change';
import type { ShapeView } from './filter';
import { ShapeIndex } from './shape-index';
import type { Expr } from './where/expr';
import { indexKey } from './where/sql';
import type { SqlType } from './where/values';

// Routing through the hash index: `=`, `= ANY(…)` and `IN (…)` of constants on an exact type are
// looked up by value, so a change reaches only the shapes whose value(s) it carries; every other
// clause is evaluated on every change of its table.

const uuid: SqlType = { oid: 2950, cast: '"pg_catalog"."uuid"', display: 'uuid', kind: 'uuid' };
const int8: SqlType = { oid: 20, cast: '"pg_catalog"."int8"', display: 'bigint', kind: 'int' };
const col: Expr = { k: 'col', name: 'board_id', t: uuid };
const c = (v: string | null, t: SqlType | undefined = uuid): Expr => ({ k: 'const', v, t });
const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';
const C = '00000000-0000-0000-0000-00000000000c';

const view = (where: Expr): ShapeView => {
  const route = indexKey(where);
  return {
    schema: 'public',
    table: 'tasks',
    columns: ['id', 'board_id'],
    pk: ['id'],
    where,
    ...(route ? { route } : {}),
  };
};
const insert = (board: string): Change => ({
  kind: 'insert',
  schema: 'public',
  table: 'tasks',
  new: { id: '1', board_id: board },
});

describe('indexKey', () => {
  it('routes = ANY(…) and IN (…) of constants by their values, skipping NULL elements', () => {
    expect(
      indexKey({
        k: 'quant',
        op: '=',
        arg: col,
        list: [c(A), c(null), c(B)],
        t: uuid,
        elem: uuid,
        all: false,
      }),
    ).toEqual({
      column: 'board_id',
      values: [A, B],
    });
    expect(indexKey({ k: 'in', arg: col, list: [c(A), c(A)], t: uuid, neg: false })).toEqual({
      column: 'board_id',
      values: [A],
    });
    expect(indexKey({ k: 'cmp', op: '=', l: col, r: c(C), t: uuid })).toEqual({
      column: 'board_id',
      values: [C],
    });
  });

  it('does not route ALL, <> ANY, NOT IN, or elements of another type', () => {
    const list = [c(A), c(B)];
    expect(indexKey({ k: 'quant', op: '=', arg: col, list, t: uuid, elem: uuid, all: true })).toBeUndefined();
    expect(
      indexKey({ k: 'quant', op: '<>', arg: col, list, t: uuid, elem: uuid, all: false }),
    ).toBeUndefined();
    expect(indexKey({ k: 'in', arg: col, list, t: uuid, neg: true })).toBeUndefined();
    expect(indexKey({ k: 'in', arg: col, list: [c('1', int8)], t: uuid, neg: false })).toBeUndefined();
  });
});

describe('ShapeIndex', () => {
  it('hands a change only to the ANY / IN shapes whose list holds its value', () => {
    const index = new ShapeIndex<{ view: ShapeView; name: string }>();
    const any = {
      name: 'any',
      view: view({ k: 'quant', op: '=', arg: col, list: [c(A), c(B)], t: uuid, elem: uuid, all: false }),
    };
    const inList = { name: 'in', view: view({ k: 'in', arg: col, list: [c(B)], t: uuid, neg: false }) };
    const none = {
      name: 'none',
      view: view({ k: 'quant', op: '=', arg: col, list: [], t: uuid, elem: uuid, all: false }),
    };
    for (const s of [any, inList, none]) index.add(s);
    const reached = (board: string) => [...index.route([insert(board)]).keys()].map((s) => s.name).sort();
    expect(reached(A)).toEqual(['any']);
    expect(reached(B)).toEqual(['any', 'in']);
    expect(reached(C)).toEqual([]);
    index.remove(any);
    expect(reached(B)).toEqual(['in']);
  });
});
