import type { Change } from './change';
import type { ShapeView } from './filter';

// Routes each change to the shapes it can touch: shapes without a filter see every change of
// their table, filtered ones are found through a hash on (column, value) of the old and new row,
// so a commit costs a lookup per change, not a scan of every shape. Tables are keyed with their
// schema: `a.items` and `b.items` are different tables. The (column, value) is the view's `route`:
// a `column = constant` (or `= ANY(…)` / `IN (…)` of constants) the where clause requires
// (where/sql.ts indexKey).

export const qualified = (schema: string, table: string) => `${schema}.${table}`;

export interface Indexed {
  view: ShapeView;
}

export type Touched<S> = Map<S, { change: Change; index: number }[]>;

export class ShapeIndex<S extends Indexed> {
  private tables = new Map<string, { all: Set<S>; byValue: Map<string, Map<string, Set<S>>> }>();

  add(s: S): void {
    const name = qualified(s.view.schema, s.view.table);
    let idx = this.tables.get(name);
    if (!idx) this.tables.set(name, (idx = { all: new Set(), byValue: new Map() }));
    const w = s.view.route;
    if (!w) return void idx.all.add(s);
    let byValue = idx.byValue.get(w.column);
    if (!byValue) idx.byValue.set(w.column, (byValue = new Map<string, Set<S>>()));
    for (const value of w.values) {
      let set = byValue.get(value);
      if (!set) byValue.set(value, (set = new Set()));
      set.add(s);
    }
  }

  remove(s: S): void {
    const idx = this.tables.get(qualified(s.view.schema, s.view.table));
    if (!idx) return;
    idx.all.delete(s);
    const w = s.view.route;
    if (!w) return;
    for (const value of w.values) {
      const set = idx.byValue.get(w.column)?.get(value);
      set?.delete(s);
      if (set?.size === 0) idx.byValue.get(w.column)!.delete(value);
    }
  }

  /** The shapes a transaction's changes reach, each with its changes in order (and their index). */
  route(changes: readonly Change[]): Touched<S> {
    const touched: Touched<S> = new Map();
    changes.forEach((change, index) => {
      const idx = this.tables.get(qualified(change.schema, change.table));
      if (!idx) return;
      const add = (s: S) => {
        let list = touched.get(s);
        if (!list) touched.set(s, (list = []));
        if (list[list.length - 1]?.index !== index) list.push({ change, index });
      };
      idx.all.forEach(add);
      for (const [column, byValue] of idx.byValue) {
        for (const row of change.kind === 'update'
          ? [change.old, change.new]
          : [change.kind === 'insert' ? change.new : change.old]) {
          const v = row[column];
          if (v != null) byValue.get(v)?.forEach(add);
        }
      }
    });
    return touched;
  }
}
