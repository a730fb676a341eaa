import { For } from 'solid-js';

export interface ToastItem {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** Toast list; errors are announced assertively to screen readers. */
export function Toasts(props: { items: ToastItem[]; onDismiss: (id: number) => void }) {
  return (
    <div class="toasts" aria-live="assertive" role="region" aria-label="Notifications">
      <For each={props.items}>
        {(t) => (
          <div class={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            <p>{t.text}</p>
            <button
              class="btn ghost icon"
              aria-label="Dismiss notification"
              onClick={() => props.onDismiss(t.id)}
            >
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
