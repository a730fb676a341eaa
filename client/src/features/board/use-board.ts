import { createEffect, createMemo } from 'solid-js';
import type { BoardData } from '../../collections/board-data';
import { sortByPosition } from '../../collections/ordering';
import { useRows } from '../../collections/use-rows';
import type { MessageRow, TaskRow } from '../../collections/types';
import { OPEN_REPLY_STATUSES } from '../agents/status';
import { boardSeen, isUnread } from '../chat/unread';

/** A card's chat badges, from the task row's chat summary (migrations/0070). */
export interface TaskStats {
  count: number;
  streaming: boolean;
  /** The seq of the newest finished reply (0: none), for the unread dot. */
  lastReplySeq: number;
  /** The status of the newest reply (by seq), for a calm "interrupted" on the card. */
  lastReplyStatus?: MessageRow['status'];
}

const statsOf = (t: TaskRow): TaskStats => ({
  count: t.message_count ?? 0,
  streaming: t.last_reply_status === 'streaming',
  lastReplySeq: Number(t.last_reply_seq ?? 0),
  lastReplyStatus: (t.last_reply_status ?? undefined) as MessageRow['status'] | undefined,
});

/**
 * Reactive views of one board's collections: ordered columns, cards per column, chat stats.
 * The board holds no messages: a card's chat badges come from its task row, and the open
 * chat pages its own task's messages (collections/chat-messages.ts).
 */
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
    for (const t of tasksQ.raw()) if (t.message_count) map.set(t.id, statsOf(t));
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
  /** The tasks with a reply at work now, and its agent ("Planner changed this", agent-changes.ts). */
  const openReplies = createMemo(() =>
    tasksQ
      .raw()
      .filter((t) => t.last_reply_status && OPEN_REPLY_STATUSES.has(t.last_reply_status))
      .map((t) => ({ task_id: t.id, agent_id: t.last_reply_agent_id ?? null })),
  );

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
    openReplies,
    ready: () => columnsQ.isReady && tasksQ.isReady,
    loading: () => columnsQ.isLoading || tasksQ.isLoading,
    error: () => columnsQ.isError || tasksQ.isError,
  };
}
export type BoardView = ReturnType<typeof useBoard>;
