import { batch, createSignal, onCleanup } from 'solid-js';
import { $RAW, createStore, produce, reconcile } from 'solid-js/store';
import type { ChangeMessage, Collection, CollectionStatus } from '@tanstack/solid-db';

// The rows of one collection as a Solid store, through the collection's public change feed.
// `useLiveQuery(() => collection)` did the same but pulled the whole query compiler into the
// first load (~40 kB gzip) for queries this app never runs: the board reads whole collections
// and sorts them itself.
//
// Changes are applied one by one (a changed row is reconciled in place, new rows appended,
// deleted ones dropped), not by reconciling the whole list: on a 1,000-card board every move
// or edit otherwise walked every row and field twice (reconcile's and the store's unwrap).

export interface Rows<T> {
  /** The rows as store proxies: each field read is tracked. */
  (): T[];
  readonly isReady: boolean;
  readonly isLoading: boolean;
  readonly isError: boolean;
  /**
   * The rows as the store's plain objects (index for index the same as `()`), tracked as one
   * signal that changes with every change to the list. For whole-list work (sorting, grouping,
   * filtering, counting): through the proxies, every field read of every row is a signal of its
   * own, and every row a proxy made, which was most of a 1,000-card board's first render.
   */
  raw(): readonly T[];
  /** The store proxy of a row `raw()` returned (fine-grained again, for rendering it). */
  live(row: T): T | undefined;
}

/** Subscribes (which starts the collection's sync) for the lifetime of the calling owner. */
export function useRows<T extends object>(
  collection: Collection<T, string | number>,
  /** The field rows are matched by when they change (memberships have no `id`). */
  key = 'id',
  /**
   * false: only the rows others load (and later changes). On an on-demand collection the
   * initial state is a request for every row (collections/board-pages.ts loads pages instead).
   */
  initialState = true,
): Rows<T> {
  const [rows, setRows] = createStore<T[]>([]);
  const plain = () => (rows as T[] & { [$RAW]?: T[] })[$RAW] ?? rows;
  const keyOf = (row: T) => (row as Record<string, unknown>)[key] as string | number;
  const [status, setStatus] = createSignal<CollectionStatus>(collection.status);
  const [version, setVersion] = createSignal(0);
  // Row key → index in the store's array.
  let index = new Map<string | number, number>();
  const reindex = () => (index = new Map(plain().map((r, i) => [keyOf(r), i])));

  /** The whole list again (the collection's status changed: a reset may not come as changes). */
  const refresh = () =>
    batch(() => {
      setRows(reconcile([...collection.values()], { key }));
      reindex();
      setVersion((v) => v + 1);
    });

  const sameKeys = () =>
    collection.size === index.size &&
    collection.size === plain().length &&
    [...collection.values()].every((r) => index.has(keyOf(r)));

  const apply = (changes: ChangeMessage<T>[]) =>
    batch(() => {
      const added = new Map<string | number, T>();
      const gone = new Set<string | number>();
      for (const c of changes) {
        const k = keyOf(c.value);
        const at = index.get(k);
        if (c.type === 'delete') {
          added.delete(k);
          if (at !== undefined) gone.add(k);
        } else if (at !== undefined) {
          // Deleted and written again in one batch (a shape's reset re-sends every row): the
          // row stays where it is, with the new values.
          gone.delete(k);
          setRows(at, reconcile(c.value, { key }));
        } else added.set(k, c.value);
      }
      if (gone.size) {
        const keep = plain().filter((r) => !gone.has(keyOf(r)));
        setRows(reconcile(keep, { key }));
        reindex();
      }
      if (added.size) {
        const start = plain().length;
        setRows(
          produce((list) => {
            for (const row of added.values()) list.push(row);
          }),
        );
        let i = start;
        for (const k of added.keys()) index.set(k, i++);
      }
      setVersion((v) => v + 1);
    });

  const sub = collection.subscribeChanges(apply, { includeInitialState: initialState });
  if (!initialState && collection.size)
    apply([...collection.values()].map((value) => ({ type: 'insert', key: keyOf(value), value })));
  const off = collection.on('status:change', (e) => {
    setStatus(e.status);
    // Ready after the initial sync: the changes have brought every row, and a full reconcile
    // of a thousand unchanged rows is not free. Anything else (a reset) is read again whole.
    if (e.status === 'ready' && !sameKeys()) refresh();
  });
  setStatus(collection.status);
  onCleanup(() => {
    sub.unsubscribe();
    off();
  });
  const read = (() => rows) as Rows<T>;
  // eslint-disable-next-line solid/reactivity -- an accessor: its callers track it
  read.raw = () => {
    version();
    return plain();
  };
  // eslint-disable-next-line solid/reactivity -- an accessor: its callers track it
  read.live = (row) => {
    version();
    const at = index.get(keyOf(row));
    return at === undefined ? undefined : rows[at];
  };
  Object.defineProperties(read, {
    isReady: { get: () => status() === 'ready' },
    isLoading: { get: () => status() === 'loading' },
    isError: { get: () => status() === 'error' },
  });
  return read;
}
