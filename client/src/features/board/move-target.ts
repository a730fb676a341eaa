// Pure helpers for moving a card: where a keyboard shortcut sends it, and how an index in the
// visible (possibly filtered) list maps onto the full column.

export interface ColumnCards {
  id: string;
  taskIds: string[];
}

export interface Target {
  columnId: string;
  index: number;
}

/** Alt+Arrow moves: left/right to the neighbouring column (same row), up/down within the column. */
export function keyboardTarget(columns: ColumnCards[], taskId: string, key: string): Target | undefined {
  const ci = columns.findIndex((c) => c.taskIds.includes(taskId));
  if (ci < 0) return undefined;
  const col = columns[ci]!;
  const i = col.taskIds.indexOf(taskId);
  if (key === 'ArrowUp') return i > 0 ? { columnId: col.id, index: i - 1 } : undefined;
  if (key === 'ArrowDown') return i < col.taskIds.length - 1 ? { columnId: col.id, index: i + 1 } : undefined;
  const dir = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : 0;
  const next = dir ? columns[ci + dir] : undefined;
  if (!next) return undefined;
  return { columnId: next.id, index: Math.min(i, next.taskIds.length) };
}

/**
 * The index in the full sibling list (moving card excluded) for a drop at `index` of the
 * visible list (moving card excluded too): just before the visible card that will follow it,
 * or right after the last visible card.
 */
export function fullIndex(visible: string[], full: string[], index: number): number {
  if (!visible.length) return full.length;
  if (index < visible.length) return Math.max(0, full.indexOf(visible[index]!));
  return full.indexOf(visible[visible.length - 1]!) + 1;
}

/** Where a dragged card would land while it is over a card or a column (see `dropSlot`). */
export interface DropHint {
  columnId: string;
  /** The card under the dragged one; undefined: the end of the column. */
  overId?: string;
  /** Below the middle of `overId`: after it, else before it. */
  after: boolean;
}

/**
 * The index in the visible list of the target column, the dragged card excluded, for a drop
 * described by `hint`: before or after the card under the pointer, or the end of the column.
 * Over its own (still visible) place, the card stays where it is.
 */
export function dropSlot(visible: string[], draggedId: string, hint: DropHint): number {
  if (hint.overId === draggedId) return Math.max(0, visible.indexOf(draggedId));
  const others = visible.filter((id) => id !== draggedId);
  const i = hint.overId === undefined ? -1 : others.indexOf(hint.overId);
  if (i < 0) return others.length;
  return hint.after ? i + 1 : i;
}
