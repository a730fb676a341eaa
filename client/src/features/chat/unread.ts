import { createRoot, createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';

// What this browser has seen, kept in localStorage: per task, the seq of the last finished reply
// the person has looked at; per board, whether the board has been seen at all. A board seen for
// the first time takes everything already finished as seen (a fresh browser has no unread
// backlog); from then on a card shows the unread dot when a reply newer than its mark finishes.
// Seqs come from one identity column, so they only grow.

const KEY = 'kanban.seen.v2';
interface Seen {
  tasks: Record<string, number>;
  boards: Record<string, true>;
}

const load = (): Seen => {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Seen>;
    return { tasks: v.tasks ?? {}, boards: v.boards ?? {} };
  } catch {
    return { tasks: {}, boards: {} };
  }
};

const state = createRoot(() => {
  const [seen, setSeen] = createStore<Seen>(load());
  const [visible, setVisible] = createSignal(
    typeof document === 'undefined' || document.visibilityState === 'visible',
  );
  if (typeof window !== 'undefined') {
    document.addEventListener('visibilitychange', () => setVisible(document.visibilityState === 'visible'));
    // Another tab of this browser saw something: follow it.
    window.addEventListener('storage', (e) => e.key === KEY && setSeen(reconcile(load())));
  }
  return { seen, setSeen, visible };
});

const save = () => {
  try {
    localStorage.setItem(KEY, JSON.stringify(state.seen));
  } catch {
    /* storage full or blocked: unread state just does not persist */
  }
};

/** The page is on screen (not a background tab): only then does an open chat count as read. */
export const pageVisible = () => state.visible();

export const seenSeq = (taskId: string) => state.seen.tasks[taskId] ?? 0;

/** True once `boardSeen` ran for this board in this browser. */
export const boardKnown = (boardId: string) => state.seen.boards[boardId] === true;

/**
 * First sight of a board (its messages fully loaded): every reply finished so far counts as
 * seen. Later calls do nothing.
 */
export function boardSeen(boardId: string, lastReplies: Iterable<[taskId: string, seq: number]>) {
  if (boardKnown(boardId)) return;
  for (const [taskId, seq] of lastReplies) if (seq > seenSeq(taskId)) state.setSeen('tasks', taskId, seq);
  state.setSeen('boards', boardId, true);
  save();
}

export function markSeen(taskId: string, seq: number) {
  if (seq <= seenSeq(taskId)) return;
  state.setSeen('tasks', taskId, seq);
  save();
}

/** A finished reply newer than what this browser has seen; nothing is unread on an unseen board. */
export const isUnread = (boardId: string, taskId: string, lastReplySeq: number) =>
  boardKnown(boardId) && lastReplySeq > seenSeq(taskId);
