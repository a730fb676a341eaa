import { createRoot, createSignal } from 'solid-js';

// The "Planner changed this" notes on cards. Only this store is in the first load; the watcher
// that decides who changed what (agent-changes.ts) loads once the board is up.

export const FLASH_MS = 5000;

const flashes = createRoot(() => {
  const [map, setMap] = createSignal<ReadonlyMap<string, string>>(new Map());
  return { map, setMap };
});

/** "Planner changed this" while the note shows on the card. */
export const agentFlash = (taskId: string) => flashes.map().get(taskId);

export function flash(taskId: string, note: string) {
  flashes.setMap((m) => new Map(m).set(taskId, note));
  setTimeout(() => {
    flashes.setMap((m) => {
      if (!m.has(taskId)) return m;
      const next = new Map(m);
      next.delete(taskId);
      return next;
    });
  }, FLASH_MS);
}

export const clearFlashes = () => flashes.setMap(new Map());
