import { createSignal, onCleanup, Show } from 'solid-js';
import { dueState, dueText, localDay } from './due';

// Today, refreshed each minute so a board left open turns cards overdue at midnight.
const [today, setToday] = createSignal(localDay(new Date()));
let timer: ReturnType<typeof setInterval> | undefined;
let users = 0;
function useToday() {
  if (users++ === 0) timer = setInterval(() => setToday(localDay(new Date())), 60_000);
  onCleanup(() => {
    if (--users === 0) clearInterval(timer);
  });
  return today;
}

/** The due chip on a card and in the panel: red when overdue, amber when due soon. */
export function DueChip(props: { due: string | null | undefined }) {
  const now = useToday();
  return (
    <Show when={props.due}>
      {(due) => (
        <span
          class={`due-chip due-${dueState(due(), now())}`}
          data-testid="due-chip"
          data-due-state={dueState(due(), now())}
          title={`Due ${due()}`}
        >
          {dueText(due(), now())}
        </span>
      )}
    </Show>
  );
}
