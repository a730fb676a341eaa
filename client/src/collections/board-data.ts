import { createCollection } from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { BoardLoadPlan, Placement } from '@kanban/shared';
import { boardsApi, columnsApi, tasksApi } from '../api/rest';
import type { BoardPages } from './board-pages';
import { shapeOptions } from './shape-options';
import type { ColumnRow, TaskRow } from './types';

// The two per-board collections (cards carry their chat summary; the open chat is its own). Each write handler calls REST and hands back the txid, so
// TanStack DB keeps the optimistic row until the same transaction comes back through the shape.
// Intent that is not a column value (where to place a row, what to do with a column's tasks)
// travels as the mutation's metadata.

export interface PlaceMeta {
  placement?: Placement;
}
/** A description saved only if the stored one is still the text it was edited from. */
export interface IfMeta {
  ifDescription?: string;
}
export interface DeleteColumnMeta {
  tasks?: { moveTasksTo: string } | { deleteTasks: true };
}

const meta = <T>(m: { metadata: unknown }) => (m.metadata ?? {}) as T;

function columnsFor(boardId: string) {
  return createCollection(
    electricCollectionOptions<ColumnRow>({
      id: `columns:${boardId}`,
      shapeOptions: shapeOptions('columns', { board: boardId }),
      getKey: (c) => c.id,
      onInsert: async ({ transaction }) => {
        const m = transaction.mutations[0];
        const { placement } = meta<PlaceMeta>(m);
        const body = { id: m.modified.id, name: m.modified.name, ...(placement ? { placement } : {}) };
        return { txid: (await columnsApi.create(boardId, body)).txid };
      },
      onUpdate: async ({ transaction }) => {
        const txid: number[] = [];
        for (const m of transaction.mutations) {
          if (m.changes.name !== undefined)
            txid.push((await columnsApi.rename(m.modified.id, m.modified.name)).txid);
          const { placement } = meta<PlaceMeta>(m);
          if (m.changes.position !== undefined && placement)
            txid.push((await columnsApi.move(m.modified.id, placement)).txid);
        }
        return { txid };
      },
      onDelete: async ({ transaction }) => {
        const m = transaction.mutations[0];
        return { txid: (await columnsApi.remove(m.original.id, meta<DeleteColumnMeta>(m).tasks)).txid };
      },
    }),
  );
}

// A board past BOARD_ON_DEMAND_CARDS syncs its cards on demand (collections/board-pages.ts);
// a smaller one loads them all in one request, as before.
function tasksFor(boardId: string, onDemand: boolean) {
  return createCollection(
    electricCollectionOptions<TaskRow>({
      id: `tasks:${boardId}`,
      syncMode: onDemand ? 'on-demand' : 'eager',
      shapeOptions: shapeOptions('tasks', { board: boardId }),
      getKey: (t) => t.id,
      onInsert: async ({ transaction }) => {
        const m = transaction.mutations[0];
        const t = m.modified;
        const { placement } = meta<PlaceMeta>(m);
        const body = { id: t.id, columnId: t.column_id, title: t.title, priority: t.priority };
        return { txid: (await tasksApi.create(boardId, placement ? { ...body, placement } : body)).txid };
      },
      onUpdate: async ({ transaction }) => {
        const txid: number[] = [];
        for (const m of transaction.mutations) {
          const { title, description, priority } = m.changes;
          const fields: Record<string, unknown> = Object.fromEntries(
            Object.entries({ title, description, priority }).filter(([, v]) => v !== undefined),
          );
          // The whole list replaces the old one (PATCH assigneeIds).
          if (m.changes.assignee_ids !== undefined) fields.assigneeIds = m.modified.assignee_ids ?? [];
          // The task's agent (null: the board's default) and model (null: the agent's or board's).
          if (m.changes.agent_id !== undefined) fields.agentId = m.modified.agent_id ?? null;
          if (m.changes.model !== undefined) fields.model = m.modified.model ?? null;
          const { ifDescription } = meta<IfMeta>(m);
          if (Object.keys(fields).length)
            txid.push(
              (
                await tasksApi.update(
                  m.modified.id,
                  fields,
                  description !== undefined ? ifDescription : undefined,
                )
              ).txid,
            );
          if (m.changes.column_id !== undefined || m.changes.position !== undefined) {
            const { placement } = meta<PlaceMeta>(m);
            txid.push((await tasksApi.move(m.modified.id, m.modified.column_id, placement ?? {})).txid);
          }
        }
        return { txid };
      },
      onDelete: async ({ transaction }) => {
        return { txid: (await tasksApi.remove(transaction.mutations[0].original.id)).txid };
      },
    }),
  );
}

/** If the plan cannot be read, the board loads as it always did (the shapes report any error). */
const EAGER: BoardLoadPlan = { cards: 0, onDemand: false, pageCards: 50 };

export interface BoardData {
  boardId: string;
  plan: BoardLoadPlan;
  columns: ReturnType<typeof columnsFor>;
  tasks: ReturnType<typeof tasksFor>;
  /** On an on-demand board: each column's loaded window. */
  pages?: BoardPages;
}

/** The board's streams; the cards start once the load plan says how (one small request). */
function makeBoardData(boardId: string) {
  // No messages: cards read the chat summary on the task row (migrations/0090), and the open
  // task's chat is a collection of its own (features/chat/chat-collection.ts).
  const columns = columnsFor(boardId);
  const loaded: Promise<BoardData> = boardsApi
    .loadPlan(boardId)
    .then((r) => r.data)
    .catch(() => EAGER)
    .then(async (plan) => {
      const tasks = tasksFor(boardId, plan.onDemand);
      const pages = plan.onDemand
        ? (await import('./board-pages')).boardPages(tasks, plan.pageCards)
        : undefined;
      return { boardId, plan, columns, tasks, ...(pages ? { pages } : {}) };
    });
  return { boardId, columns, loaded };
}
type BoardStreams = ReturnType<typeof makeBoardData>;

let current: BoardStreams | undefined;
/**
 * The collections of the open board. Only one board streams at a time: each shape is a
 * long-poll, and browsers allow six HTTP/1.1 connections per origin, REST calls included.
 */
export function boardData(boardId: string): BoardStreams {
  if (current?.boardId === boardId) return current;
  const previous = current;
  current = makeBoardData(boardId);
  // After the old board's views are disposed, stop its streams.
  if (previous)
    setTimeout(() => {
      void previous.columns.cleanup();
      void previous.loaded.then((d) => {
        d.pages?.dispose();
        void d.tasks.cleanup();
      });
    }, 0);
  return current;
}
