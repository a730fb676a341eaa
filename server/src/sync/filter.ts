import type { Change, Row } from './change';
import { rowKey, type Operation } from './wire';

// A shape's filter, `column = value` on the text form, applied to every change. Updates compare the
// old and new row, so a row leaving the shape becomes a delete and a row entering it an insert
// (electric-protocol §6.1).

export interface ShapeView {
  schema: string;
  table: string;
  columns: readonly string[];
  pk: readonly string[];
  where?: { column: string; value: string };
}

export interface ShapeOp {
  operation: Operation;
  key: string;
  value: Row;
  keyChangeTo?: string;
  keyChangeFrom?: string;
}

export function matches(view: ShapeView, row: Row | undefined): boolean {
  if (!row) return false;
  return !view.where || row[view.where.column] === view.where.value;
}

function pick(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c] ?? null;
  return out;
}

function changedColumns(view: ShapeView, oldRow: Row, newRow: Row): Row | undefined {
  const out: Row = {};
  let any = false;
  for (const c of view.columns) {
    if (!(c in oldRow) || oldRow[c] !== newRow[c]) {
      out[c] = newRow[c] ?? null;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** What one change means for one shape: zero, one or two operations. */
export function convertChange(view: ShapeView, change: Change): ShapeOp[] {
  const key = (row: Row) => rowKey(view.schema, view.table, view.pk, row);
  const full = (row: Row) => pick(row, view.columns);
  const pkOnly = (row: Row) => pick(row, view.pk);
  switch (change.kind) {
    case 'insert':
      return matches(view, change.new)
        ? [{ operation: 'insert', key: key(change.new), value: full(change.new) }]
        : [];
    case 'delete':
      return matches(view, change.old)
        ? [{ operation: 'delete', key: key(change.old), value: pkOnly(change.old) }]
        : [];
    case 'update': {
      const wasIn = matches(view, change.old);
      const isIn = matches(view, change.new);
      if (wasIn && !isIn) return [{ operation: 'delete', key: key(change.old), value: pkOnly(change.old) }];
      if (!wasIn && isIn) return [{ operation: 'insert', key: key(change.new), value: full(change.new) }];
      if (!wasIn) return [];
      const oldKey = key(change.old);
      const newKey = key(change.new);
      if (oldKey !== newKey) {
        return [
          { operation: 'delete', key: oldKey, value: pkOnly(change.old), keyChangeTo: newKey },
          { operation: 'insert', key: newKey, value: full(change.new), keyChangeFrom: oldKey },
        ];
      }
      const changed = changedColumns(view, change.old, change.new);
      if (!changed) return [];
      return [{ operation: 'update', key: newKey, value: { ...pkOnly(change.new), ...changed } }];
    }
  }
}
