import { createSignal, onCleanup, Show } from 'solid-js';
import { tasksApi } from '../../api/rest';
import { describeError } from '../../api/http';
import { showToast } from '../../collections/toasts';
import type { TaskRow } from '../../collections/types';
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

/** The panel's due-date field (a native date input) with a clear button. */
export function DueDateField(props: { task: TaskRow }) {
  const save = (dueDate: string | null) =>
    void tasksApi
      .update(props.task.id, { dueDate })
      .catch((err: unknown) => showToast(`Saving the due date failed: ${describeError(err)}`));
  return (
    <label class="due-field">
      Due
      <input
        type="date"
        class="field"
        aria-label="Due date"
        value={props.task.due_date ?? ''}
        onChange={(e) => save(e.currentTarget.value || null)}
      />
      <Show when={props.task.due_date}>
        <button
          type="button"
          class="btn ghost small"
          aria-label="Clear the due date"
          onClick={() => save(null)}
        >
          ✕
        </button>
        <DueChip due={props.task.due_date} />
      </Show>
    </label>
  );
}
