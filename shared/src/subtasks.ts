// "2/5 subtasks" on a card, from rows the board already syncs (tasks carry parent_id; columns
// their position): no extra shape. A subtask is done when it sits in the board's last column
// (by position, archived columns left out); archived subtasks do not count.

interface SubtaskRow {
  id: string;
  parent_id?: string | null;
  column_id: string;
  archived_at?: string | null;
}
interface ColumnRow {
  id: string;
  position: string;
  archived_at?: string | null;
}

export interface SubtaskCount {
  done: number;
  total: number;
}

/** The board's "done" column: its last live one (positions are fractional-index keys, compared as strings). */
export function doneColumnId(columns: readonly ColumnRow[]): string | undefined {
  let last: ColumnRow | undefined;
  for (const c of columns)
    if (
      !c.archived_at &&
      (!last || c.position > last.position || (c.position === last.position && c.id > last.id))
    )
      last = c;
  return last?.id;
}

/** Parent task id → its subtasks done and in all. */
export function subtaskCounts(
  tasks: readonly SubtaskRow[],
  columns: readonly ColumnRow[],
): Map<string, SubtaskCount> {
  const done = doneColumnId(columns);
  const out = new Map<string, SubtaskCount>();
  for (const t of tasks) {
    if (!t.parent_id || t.archived_at) continue;
    const c = out.get(t.parent_id) ?? { done: 0, total: 0 };
    c.total++;
    if (t.column_id === done) c.done++;
    out.set(t.parent_id, c);
  }
  return out;
}
