import { createSignal, For, onCleanup, onMount } from 'solid-js';
import { Dialog } from './Dialog';

// The keyboard shortcuts, listed where people can see them: a "Shortcuts" button in the top bar
// and `?` anywhere outside a text field.

export const SHORTCUTS: [keys: string, what: string][] = [
  ['?', 'Show this list'],
  ['Tab / Shift+Tab', 'Move between cards, columns and controls'],
  ['Enter or Space', 'Open the focused card'],
  ['Alt+← / Alt+→', 'Move the focused card to the previous / next column'],
  ['Alt+↑ / Alt+↓', 'Move the focused card up / down'],
  ['Escape', 'Close the task panel, an editor or this list'],
  ['Enter', 'Send a message (Shift+Enter: new line)'],
  ['Ctrl+Enter', 'Finish editing the description'],
  ['Back / Forward', 'The previous / next board or task'],
  ['Ctrl+K (⌘K)', 'Search all boards; ↑ ↓ pick a card, Enter opens it'],
];

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export function ShortcutsHelp() {
  const [open, setOpen] = createSignal(false);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
      e.preventDefault();
      setOpen(true);
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));
  return (
    <>
      <button class="btn" aria-keyshortcuts="?" title="Keyboard shortcuts (?)" onClick={() => setOpen(true)}>
        Shortcuts <kbd>?</kbd>
      </button>
      <Dialog open={open()} title="Keyboard shortcuts" onClose={() => setOpen(false)}>
        <dl class="shortcuts" data-testid="shortcuts">
          <For each={SHORTCUTS}>
            {([keys, what]) => (
              <>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </>
            )}
          </For>
        </dl>
        <div class="actions">
          <button class="btn primary" autofocus onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </Dialog>
    </>
  );
}
