import { createComputed, createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import {
  and,
  BTreeIndex,
  createCollection,
  createLiveQueryCollection,
  gte,
  inArray,
  lt,
} from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import { chatApi } from '../../api/rest';
import { shapeOptions } from '../../collections/shape-options';
import type { MessageRow } from '../../collections/types';
import { CHAT_PAGE, lowestSeq, mayHaveOlder, missingParents, runFrom } from './chat-pages';

// The open task's chat: its own collection on the `messages?task=` shape in on-demand mode. The
// board holds no messages at all (cards read the summary on the task row, migrations/0090): a
// chat loads its newest page through a subset snapshot, older pages as the reader scrolls up,
// and follows live changes of the task's messages through the shape's stream. One chat at a
// time: the panel that opens it cleans it up, so the board's shapes plus this one stay within
// the browser's six HTTP/1.1 connections.

let made = 0;

function chatCollection(taskId: string) {
  const messages = createCollection(
    electricCollectionOptions<MessageRow>({
      // A fresh id per open: the previous open's collection may still be shutting down.
      id: `chat:${taskId}:${++made}`,
      syncMode: 'on-demand',
      shapeOptions: {
        ...shapeOptions('messages', { task: taskId }),
        // seq is ordered here (pages, the live queries' windows): a number, not text ("99" > "100").
        parser: { int8: (v: string) => Number(v) },
      },
      getKey: (m) => m.id,
      // Only user messages are written by the client; the reply row is created by the server.
      onInsert: async ({ transaction }) => {
        const m = transaction.mutations[0].modified;
        return { txid: (await chatApi.send(m.task_id, { id: m.id, content: m.content })).txid };
      },
    }),
  );
  // An ordered index lets a limited query load its page only (without one TanStack loads all).
  messages.createIndex((m) => m.seq, { indexType: BTreeIndex });
  return messages;
}
export type ChatCollection = ReturnType<typeof chatCollection>;

/**
 * The chat of one task for the lifetime of the calling owner: `rows` is the loaded run of its
 * history (oldest first), `loadOlder` brings the page below it.
 */
export function useChat(taskId: string) {
  const messages = chatCollection(taskId);
  // Every query that loaded a subset stays until the chat closes: its rows stay loaded and
  // follow live changes.
  const queries: { cleanup(): Promise<void> }[] = [];
  const [version, setVersion] = createSignal(0);
  const [from, setFrom] = createSignal<number>();
  const [hasOlder, setHasOlder] = createSignal(false);
  const [loading, setLoading] = createSignal(true);
  const [failed, setFailed] = createSignal(false);
  let closed = false;

  // Every change of the collection (a page, a live row, an optimistic send and its rollback).
  const sub = messages.subscribeChanges(() => setVersion((v) => v + 1), { includeInitialState: false });

  async function load(query: Parameters<typeof createLiveQueryCollection>[0]['query']) {
    const q = createLiveQueryCollection({ query, startSync: true });
    queries.push(q);
    await q.preload();
    return q.toArray as unknown as MessageRow[];
  }

  /** Extends the run down to every user message a reply in it answers (all versions of a reply). */
  async function reachParents(low: number): Promise<number> {
    for (let guard = 0; guard < 10; guard++) {
      const parents = missingParents(messages.values(), low);
      if (!parents.length) return low;
      const found = await load((q) => q.from({ m: messages }).where(({ m }) => inArray(m.id, parents)));
      const below = lowestSeq(found);
      if (below === undefined || below >= low) return low;
      const top = low;
      await load((q) => q.from({ m: messages }).where(({ m }) => and(gte(m.seq, below), lt(m.seq, top))));
      low = below;
    }
    return low;
  }

  /** A page below `before` (the newest page without it); answers the run's new lower bound. */
  async function page(before: number | undefined): Promise<number | undefined> {
    const rows = await load((q) => {
      const all = q.from({ m: messages });
      const older = before === undefined ? all : all.where(({ m }) => lt(m.seq, before));
      return older.orderBy(({ m }) => m.seq, 'desc').limit(CHAT_PAGE);
    });
    if (closed) return undefined;
    let low = lowestSeq(rows);
    setHasOlder(mayHaveOlder(rows.length));
    // No (older) messages: the run starts at whatever is there, new messages included.
    if (low === undefined) return before ?? 0;
    low = await reachParents(low);
    // The run is everything from `low` on: the shape's stream writes every change of the task's
    // messages into the collection (new rows included), so new messages join the run, and no row
    // of it goes when the newest page's window moves on (an extra `seq >= low` subset changed
    // nothing: the e2e case passed without it).
    return low;
  }

  /** Runs a page load; `apply` wraps the change of the run (to keep the scroll position). */
  const run = (p: Promise<number | undefined>, apply: (change: () => void) => void = (c) => c()) =>
    p.then(
      (low) => {
        if (closed) return;
        if (low !== undefined) apply(() => setFrom((f) => (f === undefined ? low : Math.min(f, low))));
        setLoading(false);
      },
      () => {
        if (closed) return;
        setFailed(true);
        setLoading(false);
      },
    );
  void run(page(undefined));

  onCleanup(() => {
    closed = true;
    sub.unsubscribe();
    const qs = queries.splice(0);
    // After the panel's views are disposed, stop the stream (one chat shape at a time).
    setTimeout(() => {
      for (const q of qs) void q.cleanup();
      void messages.cleanup();
    }, 0);
  });

  // The run as a store reconciled by id: a row that changes (a checkpoint, a status, the
  // optimistic send confirmed) keeps its proxy, so its bubble is updated, not rebuilt.
  const [run_, setRun] = createStore<MessageRow[]>([]);
  createComputed(() => {
    version();
    setRun(reconcile(runFrom(messages.values(), from()), { key: 'id' }));
  });

  return {
    collection: messages,
    /** The loaded run of the history, oldest first (optimistic sends last). */
    rows: (): MessageRow[] => run_,
    ready: () => from() !== undefined,
    loading,
    failed,
    hasOlder,
    /**
     * Loads the page below the run; resolves once it is in `rows`. `apply` runs the change
     * (the scroll keeps its place around it).
     */
    loadOlder: async (apply?: (change: () => void) => void) => {
      const f = from();
      if (f === undefined || !hasOlder() || loading()) return;
      setLoading(true);
      await run(page(f), apply);
    },
  };
}
export type Chat = ReturnType<typeof useChat>;
