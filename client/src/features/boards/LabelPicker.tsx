import { createSignal, For } from 'solid-js';
import { LABEL_COLORS } from '@kanban/shared';
import { tasksApi } from '../../api/rest';
import { describeError } from '../../api/http';
import { commit } from '../../collections/commit';
import { labelsCollection } from '../../collections/labels';
import { showToast } from '../../collections/toasts';
import type { TaskRow } from '../../collections/types';
import { boardLabels, LabelChip } from './labels';

// In the task panel only, so it loads with the panel (not with the board).

/** In the task panel: toggle the board's labels on the task, add a label, delete one. */
export function LabelPicker(props: { task: TaskRow }) {
  const labels = () => boardLabels(props.task.board_id);
  const [color, setColor] = createSignal(LABEL_COLORS[3]!);
  let nameInput!: HTMLInputElement;
  const has = (id: string) => props.task.label_ids?.includes(id) ?? false;
  const setLabels = (ids: string[]): Promise<unknown> =>
    tasksApi
      .update(props.task.id, { labelIds: ids })
      .catch((err: unknown) => showToast(`Saving the labels failed: ${describeError(err)}`));
  const toggle = (id: string) => {
    const now = props.task.label_ids ?? [];
    void setLabels(has(id) ? now.filter((x) => x !== id) : [...now, id]);
  };
  const add = (e: Event) => {
    e.preventDefault();
    const name = nameInput.value.trim();
    if (!name) return;
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    const task = props.task;
    const board_id = task.board_id;
    nameInput.value = '';
    void commit(
      labelsCollection(board_id).insert({
        id,
        board_id,
        name,
        color: color(),
        created_at: now,
        updated_at: now,
      }),
      'Adding the label',
      // eslint-disable-next-line solid/reactivity -- runs once, when the new label is saved
    ).then((ok) => ok && setLabels([...(task.label_ids ?? []), id]));
  };
  return (
    <fieldset class="label-picker" data-testid="label-picker">
      <legend>Labels</legend>
      <div class="label-options">
        <For each={labels()}>
          {(l) => (
            <span class="label-option">
              <label>
                <input type="checkbox" checked={has(l.id)} onChange={() => toggle(l.id)} />
                <LabelChip label={l} />
              </label>
              <button
                type="button"
                class="btn ghost small"
                aria-label={`Delete label ${l.name} from the board`}
                title="Delete this label from the board (it is taken off every card)"
                onClick={() => {
                  if (
                    window.confirm(`Delete the label “${l.name}” from the board? It is taken off every card.`)
                  )
                    void commit(labelsCollection(l.board_id).delete(l.id), 'Deleting the label');
                }}
              >
                ✕
              </button>
            </span>
          )}
        </For>
      </div>
      <form class="row" onSubmit={add}>
        <input
          ref={nameInput}
          class="field"
          maxlength="50"
          placeholder="New label"
          aria-label="New label name"
        />
        <select
          class="field"
          aria-label="New label colour"
          value={color()}
          onChange={(e) => setColor(e.currentTarget.value)}
        >
          <For each={LABEL_COLORS}>{(c) => <option value={c}>{c}</option>}</For>
        </select>
        <button type="submit" class="btn small">
          Add label
        </button>
      </form>
    </fieldset>
  );
}
