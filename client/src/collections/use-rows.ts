import { createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { Collection, CollectionStatus } from '@tanstack/solid-db';

// The rows of one collection as a Solid store, through the collection's public change feed.
// `useLiveQuery(() => collection)` did the same but pulled the whole query compiler into the
// first load (~40 kB gzip) for queries this app never runs: the board reads whole collections
// and sorts them itself.

export interface Rows<T> {
  (): T[];
  readonly isReady: boolean;
  readonly isLoading: boolean;
  readonly isError: boolean;
}

/** Subscribes (which starts the collection's sync) for the lifetime of the calling owner. */
export function useRows<T extends object>(
  collection: Collection<T, string | number>,
  /** The field rows are matched by when they change (memberships have no `id`). */
  key = 'id',
): Rows<T> {
  const [rows, setRows] = createStore<T[]>([...collection.values()]);
  const [status, setStatus] = createSignal<CollectionStatus>(collection.status);
  // Rows are reconciled by id, so a changed row updates in place and the others keep identity.
  const refresh = () => setRows(reconcile([...collection.values()], { key }));
  const sub = collection.subscribeChanges(refresh, { includeInitialState: true });
  const off = collection.on('status:change', (e) => {
    setStatus(e.status);
    if (e.status === 'ready') refresh();
  });
  setStatus(collection.status);
  refresh();
  onCleanup(() => {
    sub.unsubscribe();
    off();
  });
  const read = (() => rows) as Rows<T>;
  Object.defineProperties(read, {
    isReady: { get: () => status() === 'ready' },
    isLoading: { get: () => status() === 'loading' },
    isError: { get: () => status() === 'error' },
  });
  return read;
}
