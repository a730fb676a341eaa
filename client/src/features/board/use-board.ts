import { createEffect, createMemo } from 'solid-js';
import type { BoardData } from '../../collections/board-data';
import { sortByPosition } from '../../collections/ordering';
import { useRows } from '../../collections/use-rows';
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
  const tasksQ = useRows(data.tasks);

  // Archived columns and cards stay in their shapes but off the board (ArchivedView lists them).
  const allColumns = createMemo(() => sortByPosition(columnsQ()));
  const columns = createMemo(() => allColumns().filter((c) => !c.archived_at));
  // Sorted, grouped and counted on the plain rows (one signal for the whole list, no proxy per
  // row): a column renders only its visible cards, which `live` turns into the store's proxies.
  const tasksByColumn = createMemo(() => {
    const map = new Map<string, TaskRow[]>();
    for (const t of sortByPosition(tasksQ.raw())) {
      if (t.archived_at) continue;
      const list = map.get(t.column_id);
      if (list) list.push(t);
      else map.set(t.column_id, [t]);
    }
    return map;
  });
  const archivedTasks = createMemo(() =>
    tasksQ
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
      tasksQ.raw().filter((t) => t.archived_at && t.column_id === columnId).length,
    tasks: () => tasksQ(),
    /** A column's cards in order, as plain rows (see `live`). */
    tasksIn: (columnId: string) => tasksByColumn().get(columnId) ?? [],
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
    ready: () => columnsQ.isReady && tasksQ.isReady,
    loading: () => columnsQ.isLoading || tasksQ.isLoading,
    error: () => columnsQ.isError || tasksQ.isError,
  };
}
export type BoardView = ReturnType<typeof useBoard>;
