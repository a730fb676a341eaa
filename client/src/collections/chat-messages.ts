import { createSignal, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { BTreeIndex, createCollection, createLiveQueryCollection } from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import { chatApi } from '../api/rest';
import { shapeOptions } from './shape-options';
import { PENDING_SEQ, seqOf, type MessageRow } from './types';

const PENDING = Number(PENDING_SEQ);

// One task's chat, for the open chat panel only (the board's cards read the chat summary on the
// task rows, migrations/0070). The collection is TanStack DB `on-demand` over the task's
// changes_only messages shape: the panel's live query (newest first, a limit) becomes a subset
// snapshot (`subset__order_by`, `subset__limit`), an older page a subset before the oldest
// loaded message, and every live change of the task arrives through the one shape stream.
// So the board plus an open chat hold as many streams as before, when the board held a
// board-wide messages shape: columns, tasks, labels, and this one.

/** Messages a page holds: the newest page first, older ones as the reader scrolls up. */
export const CHAT_PAGE = 50;

function messagesOf(taskId: string) {
  return createCollection(
    electricCollectionOptions<MessageRow>({
      id: `chat:${taskId}`,
      syncMode: 'on-demand',
      // Timestamps compare byte-wise here as their text does on the server (see ORDER below).
      defaultStringCollation: { stringSort: 'lexical' },
      shapeOptions: {
        ...shapeOptions('messages', { task: taskId }),
        // seq is ordered as a number, as the server orders the bigint: as text, "99" would sort
        // after "100" and a page's cursor would skip or repeat rows.
        parser: { int8: (v: string) => Number(v) },
        // KNOWN DEFECT (h/sse-ondemand fixes the server): an on-demand collection over SSE loses
        // its page at the first live insert on the system PostgreSQL; long-poll until then.
        liveSse: false,
      },
      getKey: (m) => m.id,
      // Only user messages are written by the client; the reply row is created by the server.
      onInsert: async ({ transaction }) => {
        const m = transaction.mutations[0].modified;
        return { txid: (await chatApi.send(m.task_id, { id: m.id, content: m.content })).txid };
      },
    }),
  );
}
export type ChatMessages = ReturnType<typeof messagesOf>;

// The order of a page: newest first. By seq alone it should be, but the shape server's subset
// orders a non-text column by its text form (ORDER BY meets the `::text` output alias; reported
// from this branch, /work/briefs/chat-paging.note): "99" > "120". created_at's text form sorts
// as the time does; seq only breaks ties (the two rows of one post share created_at).
// TODO(server fix): order by seq alone.

export interface ChatHistory {
  /** The collection: inserts (optimistic sends) and awaitTxId go here. */
  messages: ChatMessages;
  /** The loaded messages, oldest first (the newest page, and the older ones asked for). */
  rows: Accessor<MessageRow[]>;
  /** False until the newest page has arrived. */
  loaded: Accessor<boolean>;
  /** True when an older page came back short: the chat's first message is loaded. */
  complete: Accessor<boolean>;
  /** Asks for the next older page; resolves once it is in `rows` (at once if none is left). */
  older: () => Promise<void>;
  dispose: () => void;
}

/** The task's chat, paged from the newest message backwards. */
export function chatHistory(taskId: string, pageSize = CHAT_PAGE): ChatHistory {
  const messages = messagesOf(taskId);
  // A limited, ordered query loads only its page if the order has an index (else everything).
  messages.createIndex((m) => m.created_at, {
    indexType: BTreeIndex,
    options: { compareOptions: { direction: 'desc', nulls: 'first', stringSort: 'lexical' } },
  });
  let limit = pageSize;
  const q = createLiveQueryCollection({
    query: (b) =>
      b
        .from({ m: messages })
        .orderBy(({ m }) => m.created_at, 'desc')
        .orderBy(({ m }) => m.seq, 'desc')
        .limit(pageSize),
    startSync: true,
  });
  // A store reconciled by id: a changed row keeps its object (and its bubble in the DOM, which a
  // fresh array of fresh rows would re-create at every checkpoint); shown in seq order, so an
  // optimistic send (PENDING_SEQ) is last whatever this browser's clock says.
  const [rows, setRows] = createStore<MessageRow[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [complete, setComplete] = createSignal(false);
  // The newest seq the server gave (an optimistic row's PENDING_SEQ is no server seq).
  let newest = -Infinity;
  let ready = false;
  const sub = q.subscribeChanges(
    (changes) => {
      // A message newer than all shown joins the window instead of pushing the oldest shown out
      // (the window is the newest `limit`): the reader keeps the older pages asked for.
      const live = changes.filter((c) => c.type === 'insert' && seqOf(c.value) > newest).length;
      const sorted = [...q.toArray].sort((a, b) => seqOf(a) - seqOf(b));
      for (const m of sorted) if (seqOf(m) < PENDING) newest = Math.max(newest, seqOf(m));
      if (live && ready && q.size >= limit) {
        limit += live;
        // after this change has been delivered (a window change from inside it is not applied)
        queueMicrotask(() => void q.utils.setWindow({ offset: 0, limit }));
      }
      setRows(reconcile(sorted, { key: 'id' }));
    },
    { includeInitialState: true },
  );
  let pending: Promise<void> | undefined;
  q.onFirstReady(() => {
    ready = true;
    setLoaded(true);
    setComplete(q.size < limit);
  });
  const older = (): Promise<void> => {
    if (pending) return pending;
    if (!loaded() || complete()) return Promise.resolve();
    limit += pageSize;
    const done = q.utils.setWindow({ offset: 0, limit });
    const settle = () => {
      pending = undefined;
      // Fewer than asked for: nothing older is left.
      setComplete(q.size < limit);
    };
    if (done === true) {
      settle();
      return Promise.resolve();
    }
    pending = done.then(settle, settle);
    return pending;
  };
  return {
    messages,
    rows: () => rows,
    loaded,
    complete,
    older,
    dispose: () => {
      sub.unsubscribe();
      void q.cleanup().then(() => messages.cleanup());
    },
  };
}
