import type { Change, Row } from './change';
import { matchesWhere } from './where/evaluate';
import type { Expr } from './where/expr';
import { rowKey, type Operation } from './wire';

// A shape's where clause (compiled by where/compile.ts) applied to every change. Updates compare
// the old and new row, so a row leaving the shape becomes a delete and a row entering it an insert
// (electric-protocol §6.1). replica=full sends whole rows, and an update's old values as old_value.

export interface ShapeView {
  schema: string;
  table: string;
  columns: readonly string[];
  pk: readonly string[];
  where?: Expr;
  /**
   * `column = value` (or `column` one of `values`: `= ANY(…)`, `IN (…)`) the where clause
   * requires, if any: routed through the hash index.
   */
  route?: { column: string; values: readonly string[] };
  replica?: 'full';
  /** char(n) columns: read in the snapshot through their output function, padded as pgoutput sends them. */
  padded?: readonly string[];
}

export interface ShapeOp {
  operation: Operation;
  key: string;
  value: Row;
  /** replica=full updates: the changed columns' previous values. */
  oldValue?: Row;
  keyChangeTo?: string;
  keyChangeFrom?: string;
}

export function matches(view: ShapeView, row: Row | undefined): boolean {
  if (!row) return false;
  return !view.where || matchesWhere(view.where, row);
}

function pick(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c] ?? null;
  return out;
}

function changedColumns(view: ShapeView, oldRow: Row, newRow: Row): string[] {
  return view.columns.filter((c) => !(c in oldRow) || oldRow[c] !== newRow[c]);
}

/** What one change means for one shape: zero, one or two operations. */
export function convertChange(view: ShapeView, change: Change): ShapeOp[] {
  const key = (row: Row) => rowKey(view.schema, view.table, view.pk, row);
  const full = (row: Row) => pick(row, view.columns);
  // Deletes carry the key only, unless the client asked for full rows.
  const gone = (row: Row) => pick(row, view.replica === 'full' ? view.columns : view.pk);
  switch (change.kind) {
    case 'insert':
      return matches(view, change.new)
        ? [{ operation: 'insert', key: key(change.new), value: full(change.new) }]
        : [];
    case 'delete':
      return matches(view, change.old)
        ? [{ operation: 'delete', key: key(change.old), value: gone(change.old) }]
        : [];
    case 'update': {
      const wasIn = matches(view, change.old);
      const isIn = matches(view, change.new);
      if (wasIn && !isIn) return [{ operation: 'delete', key: key(change.old), value: gone(change.old) }];
      if (!wasIn && isIn) return [{ operation: 'insert', key: key(change.new), value: full(change.new) }];
      if (!wasIn) return [];
      const oldKey = key(change.old);
      const newKey = key(change.new);
      if (oldKey !== newKey) {
        return [
          { operation: 'delete', key: oldKey, value: gone(change.old), keyChangeTo: newKey },
          { operation: 'insert', key: newKey, value: full(change.new), keyChangeFrom: oldKey },
        ];
      }
      const changed = changedColumns(view, change.old, change.new);
      if (changed.length === 0) return [];
      if (view.replica === 'full') {
        return [
          {
            operation: 'update',
            key: newKey,
            value: full(change.new),
            oldValue: pick(change.old, changed),
          },
        ];
      }
      return [
        {
          operation: 'update',
          key: newKey,
          value: { ...pick(change.new, view.pk), ...pick(change.new, changed) },
        },
      ];
    }
  }
}
