import { createRoot, createSignal } from 'solid-js';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

const store = createRoot(() => {
  const [toasts, setToasts] = createSignal<Toast[]>([]);
  return { toasts, setToasts };
});
let next = 1;

export const toasts = store.toasts;

export function dismissToast(id: number) {
  store.setToasts((list) => list.filter((t) => t.id !== id));
}

/** Shows a message for a while; errors stay longer because they need reading. */
export function showToast(text: string, kind: Toast['kind'] = 'error') {
  const id = next++;
  store.setToasts((list) => [...list.slice(-4), { id, kind, text }]);
  setTimeout(() => dismissToast(id), kind === 'error' ? 8000 : 4000);
}
