import type { Change } from './change';
import type { ShapeView } from './filter';

// Routes each change to the shapes it can touch: shapes without a filter see every change of
// their table, filtered ones are found through a hash on (column, value) of the old and new row,
// so a commit costs a lookup per change, not a scan of every shape.

export interface Indexed {
  view: ShapeView;
}

export type Touched<S> = Map<S, { change: Change; index: number }[]>;

export class ShapeIndex<S extends Indexed> {
  private tables = new Map<string, { all: Set<S>; byValue: Map<string, Map<string, Set<S>>> }>();

  add(s: S): void {
    let idx = this.tables.get(s.view.table);
    if (!idx) this.tables.set(s.view.table, (idx = { all: new Set(), byValue: new Map() }));
    const w = s.view.where;
    if (!w) return void idx.all.add(s);
    let byValue = idx.byValue.get(w.column);
    if (!byValue) idx.byValue.set(w.column, (byValue = new Map<string, Set<S>>()));
    let set = byValue.get(w.value);
    if (!set) byValue.set(w.value, (set = new Set()));
    set.add(s);
  }

  remove(s: S): void {
    const idx = this.tables.get(s.view.table);
    if (!idx) return;
    idx.all.delete(s);
    const w = s.view.where;
    if (!w) return;
    const set = idx.byValue.get(w.column)?.get(w.value);
    set?.delete(s);
    if (set?.size === 0) idx.byValue.get(w.column)!.delete(w.value);
  }

  /** The shapes a transaction's changes reach, each with its changes in order (and their index). */
  route(changes: readonly Change[]): Touched<S> {
    const touched: Touched<S> = new Map();
    changes.forEach((change, index) => {
      const idx = this.tables.get(change.table);
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
