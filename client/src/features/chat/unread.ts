import { createRoot } from 'solid-js';
import { createStore } from 'solid-js/store';

// The last message seq a person has seen, per task, kept in this browser. A card shows the
// unread dot when a finished reply is newer than that.

const KEY = 'kanban.seen';
const load = (): Record<string, number> => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
};

const store = createRoot(() => {
  const [seen, setSeen] = createStore<Record<string, number>>(load());
  return { seen, setSeen };
});

export const seenSeq = (taskId: string) => store.seen[taskId] ?? 0;

export function markSeen(taskId: string, seq: number) {
  if (seq <= seenSeq(taskId)) return;
  store.setSeen(taskId, seq);
  try {
    localStorage.setItem(KEY, JSON.stringify(store.seen));
  } catch {
    /* storage full or blocked: unread state just does not persist */
  }
}
