import {
  and,
  BTreeIndex,
  createLiveQueryCollection,
  eq,
  inArray,
  isNull,
  not,
  type Collection,
} from '@tanstack/solid-db';
import type { TaskRow } from './types';

// The cards of a board past BOARD_ON_DEMAND_CARDS (issue 11). The tasks collection syncs
// on demand: its stream carries only changes, and rows arrive through subset snapshots that
// live queries ask for. Each column is one live query, "its non-archived cards by position, the
// first n", whose window grows by a page as the column scrolls; TanStack DB turns it into subset
// requests (`subset__where`, `subset__order_by`, `subset__limit`) and keeps it live. Loaded only
// for such boards (a dynamic import): the query compiler is ~40 kB gzip a small board never needs.
//
// An update to a card this browser never loaded arrives as the changed columns only (replica
// default), so the collection holds a partial row. The page queries leave it out (its
// archived_at is undefined, not null) and `complete` loads the whole row by id: a card another
// browser moves into a loaded range then appears.

type Tasks = Collection<TaskRow, string | number>;
type Query = ReturnType<typeof pageQuery>;

function pageQuery(tasks: Tasks, columnId: string, limit: number) {
  return createLiveQueryCollection({
    query: (q) =>
      q
        .from({ task: tasks })
        .where(({ task }) => and(eq(task.column_id, columnId), isNull(task.archived_at)))
        // Byte order, as the server's COLLATE "C" keys sort (the default is the locale's).
        .orderBy(({ task }) => task.position, { direction: 'asc', stringSort: 'lexical' })
        .limit(limit),
    startSync: true,
  });
}

export interface BoardPages {
  /** The column's loaded window (a live query collection of its first cards). */
  page(columnId: string): Collection<TaskRow, string | number>;
  /** Grows the column's window by a page; resolves when its rows are in. */
  loadMore(columnId: string): Promise<void>;
  /** How many cards the column's window asks for. */
  limitOf(columnId: string): number;
  /** The board's archived cards (the Archived view), one subset. */
  archived: Collection<TaskRow, string | number>;
  dispose(): void;
}

export function boardPages(tasks: Tasks, pageCards: number): BoardPages {
  // A limited, ordered query loads only its page when the collection has an ordered index on
  // the sort key (without one TanStack DB loads every row matching the where clause).
  tasks.createIndex((row) => row.position, { indexType: BTreeIndex });
  const pages = new Map<string, { query: Query; limit: number }>();
  const entry = (columnId: string) => {
    let e = pages.get(columnId);
    if (!e) {
      e = { query: pageQuery(tasks, columnId, pageCards), limit: pageCards };
      pages.set(columnId, e);
    }
    return e;
  };
  const archived = createLiveQueryCollection({
    query: (q) => q.from({ task: tasks }).where(({ task }) => not(isNull(task.archived_at))),
    startSync: true,
  });

  // Partial rows (see above), completed by id in batches.
  const completing = new Set<string | number>();
  const completions: Query[] = [];
  let queued: (string | number)[] = [];
  const flush = () => {
    const ids = queued;
    queued = [];
    if (!ids.length) return;
    const q = createLiveQueryCollection({
      query: (b) => b.from({ task: tasks }).where(({ task }) => inArray(task.id, ids)),
      startSync: true,
    });
    completions.push(q);
  };
  const sub = tasks.subscribeChanges(
    (changes) => {
      for (const c of changes) {
        if (c.type === 'delete' || typeof c.value.title === 'string' || completing.has(c.key)) continue;
        completing.add(c.key);
        if (!queued.length) queueMicrotask(flush);
        queued.push(c.key);
      }
    },
    { includeInitialState: false },
  );

  return {
    page: (columnId) => entry(columnId).query as unknown as Collection<TaskRow, string | number>,
    limitOf: (columnId) => entry(columnId).limit,
    async loadMore(columnId) {
      const e = entry(columnId);
      e.limit += pageCards;
      const r = e.query.utils.setWindow({ offset: 0, limit: e.limit });
      if (r !== true) await r;
    },
    archived: archived as unknown as Collection<TaskRow, string | number>,
    dispose() {
      sub.unsubscribe();
      for (const { query } of pages.values()) void query.cleanup();
      for (const q of completions) void q.cleanup();
      void archived.cleanup();
    },
  };
}
