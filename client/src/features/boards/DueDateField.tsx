import { Show } from 'solid-js';
import { tasksApi } from '../../api/rest';
import { describeError } from '../../api/http';
import { showToast } from '../../collections/toasts';
import type { TaskRow } from '../../collections/types';
import { DueChip } from './DueDate';

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
