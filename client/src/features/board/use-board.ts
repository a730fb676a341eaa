import { createEffect, createMemo, createRoot, onCleanup } from 'solid-js';
import type { BoardData } from '../../collections/board-data';
import { sortByPosition } from '../../collections/ordering';
import { useRows, type Rows } from '../../collections/use-rows';
import type { MessageRow, TaskRow } from '../../collections/types';
import { boardSeen, isUnread } from '../chat/unread';

export interface TaskStats {
  count: number;
  streaming: boolean;
  lastReplySeq: number;
  /** The status of the newest reply (by seq), for a calm "interrupted" on the card. */
  lastReply?: { seq: number; status: MessageRow['status'] };
}

/** A card's chat stats from the summary on its task row (migrations/0090). */
export function statsOf(t: TaskRow): TaskStats {
  const lastSeq = t.chat_last_reply_seq;
  return {
    count: Number(t.chat_count ?? 0),
    streaming: t.chat_streaming === true,
    lastReplySeq: Number(t.chat_last_done_seq ?? 0),
    ...(lastSeq !== null && lastSeq !== undefined && t.chat_last_reply_status
      ? { lastReply: { seq: Number(lastSeq), status: t.chat_last_reply_status as MessageRow['status'] } }
      : {}),
  };
}

/** Reactive views of one board's collections: ordered columns, cards per column, chat stats. */
export function useBoard(data: BoardData) {
  const columnsQ = useRows(data.columns);
  const pages = data.pages;
  // On demand: the collection holds what the columns' pages loaded; each column shows its page.
  const tasksQ = useRows(data.tasks, 'id', !pages);
  const pageRows = new Map<string, { rows: Rows<TaskRow>; dispose: () => void }>();
  const pageOf = (columnId: string) => {
    let p = pageRows.get(columnId);
    if (!p) p = createRoot((dispose) => ({ rows: useRows(pages!.page(columnId)), dispose }));
    pageRows.set(columnId, p);
    return p.rows;
  };
  const archivedQ = pages && useRows(pages.archived);
  onCleanup(() => {
    for (const p of pageRows.values()) p.dispose();
  });

  // Archived columns and cards stay in their shapes but off the board (ArchivedView lists them).
  const allColumns = createMemo(() => sortByPosition(columnsQ()));
  const columns = createMemo(() => allColumns().filter((c) => !c.archived_at));
  // Sorted, grouped and counted on the plain rows (one signal for the whole list, no proxy per
  // row): a column renders only its visible cards, which `live` turns into the store's proxies.
  const tasksByColumn = createMemo(() => {
    const map = new Map<string, TaskRow[]>();
    if (pages) {
      // A card another browser moved out of a column can stay in that column's page query with
      // its old values (the e2e test saw it in Chromium): the page gives the ids in its window,
      // the collection each card's current row, and a column shows only the cards now in it.
      const current = new Map(tasksQ.raw().map((t) => [t.id, t]));
      for (const c of allColumns())
        map.set(
          c.id,
          sortByPosition(
            pageOf(c.id)
              .raw()
              .map((t) => current.get(t.id) ?? t)
              .filter((t) => t.column_id === c.id && !t.archived_at),
          ),
        );
      return map;
    }
    for (const t of sortByPosition(tasksQ.raw())) {
      if (t.archived_at) continue;
      const list = map.get(t.column_id);
      if (list) list.push(t);
      else map.set(t.column_id, [t]);
    }
    return map;
  });
  const archivedTasks = createMemo(() =>
    (archivedQ ?? tasksQ)
      .raw()
      .filter((t) => t.archived_at)
      .map((t) => tasksQ.live(t)!),
  );
  const stats = createMemo(() => {
    const map = new Map<string, TaskStats>();
    for (const t of tasksQ.raw()) if (t.chat_count) map.set(t.id, statsOf(t));
    return map;
  });
  // The first time this browser sees the board, its history counts as read.
  createEffect(() => {
    if (tasksQ.isReady)
      boardSeen(
        data.boardId,
        [...stats()].map(([taskId, s]) => [taskId, s.lastReplySeq]),
      );
  });
  return {
    data,
    columns,
    allColumns,
    archivedColumns: () => allColumns().filter((c) => c.archived_at),
    archivedTasks,
    archivedIn: (columnId: string) =>
      (archivedQ ?? tasksQ).raw().filter((t) => t.archived_at && t.column_id === columnId).length,
    tasks: () => tasksQ(),
    /** A column's cards in order, as plain rows (see `live`). */
    tasksIn: (columnId: string) => tasksByColumn().get(columnId) ?? [],
    /** The column's true card count (on demand, more than its loaded cards; migration 0095). */
    countIn: (columnId: string) =>
      pages
        ? (columnsQ.raw().find((c) => c.id === columnId)?.card_count ?? 0)
        : (tasksByColumn().get(columnId)?.length ?? 0),
    /** On demand: whether the column has cards beyond its loaded window, and loads the next page. */
    hasMore: (columnId: string) =>
      !!pages &&
      (columnsQ.raw().find((c) => c.id === columnId)?.card_count ?? 0) > pageOf(columnId).raw().length,
    loadMore: (columnId: string) => pages?.loadMore(columnId),
    onDemand: !!pages,
    task: (id: string) => tasksQ.live({ id } as TaskRow),
    /** The store proxy of a row from `tasksIn` (to render it field by field). */
    live: (t: TaskRow) => tasksQ.live(t),
    stats: (taskId: string) => stats().get(taskId),
    unread: (taskId: string) => isUnread(data.boardId, taskId, stats().get(taskId)?.lastReplySeq ?? 0),
    /** Replies still open on the board's tasks, and the agent of each (for "Planner changed this"). */
    openReplies: () =>
      tasksQ
        .raw()
        .filter((t) => (t.chat_open_replies ?? 0) > 0)
        .map((t) => ({ task_id: t.id, agent_id: t.chat_open_agent_id ?? null })),
    // On demand, also each column's first page: an empty column before it would say "No cards".
    ready: () =>
      columnsQ.isReady && tasksQ.isReady && (!pages || columns().every((c) => pageOf(c.id).isReady)),
    loading: () => columnsQ.isLoading || tasksQ.isLoading,
    error: () => columnsQ.isError || tasksQ.isError,
  };
}
export type BoardView = ReturnType<typeof useBoard>;
