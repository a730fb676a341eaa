import { createMemo, createRoot, For, Show } from 'solid-js';
import type { Label } from '@kanban/shared';
import { labelsCollection } from '../../collections/labels';
import { useRows } from '../../collections/use-rows';
import type { TaskRow } from '../../collections/types';
import { textOn } from './label-contrast';

// One subscription for the open board, shared by every card (a board may show 1,000 cards).
let shared: { boardId: string; sorted: () => Label[]; dispose: () => void } | undefined;

/** The open board's labels, sorted by name (call it where it is read: in JSX or a memo). */
export function boardLabels(boardId: string): Label[] {
  if (shared?.boardId !== boardId) {
    shared?.dispose();
    shared = createRoot((dispose) => {
      const rows = useRows(labelsCollection(boardId));
      const sorted = createMemo(() => [...rows()].sort((a, b) => a.name.localeCompare(b.name)));
      return { boardId, sorted, dispose };
    });
  }
  return shared.sorted();
}

export function LabelChip(props: { label: Label }) {
  return (
    <span
      class="label-chip"
      style={{ background: props.label.color, color: textOn(props.label.color) }}
      data-testid="label-chip"
    >
      {props.label.name}
    </span>
  );
}

/** A card's labels, in the board's label order. */
export function CardLabels(props: { task: TaskRow }) {
  const mine = () => boardLabels(props.task.board_id).filter((l) => props.task.label_ids?.includes(l.id));
  return (
    <Show when={mine().length}>
      <span class="card-labels">
        <For each={mine()}>{(l) => <LabelChip label={l} />}</For>
      </span>
    </Show>
  );
}

/** Filter the board by one label (or any). */
export function LabelFilter(props: { boardId: string; value: string; onChange: (id: string) => void }) {
  const labels = () => boardLabels(props.boardId);
  return (
    <select
      class="field"
      aria-label="Filter by label"
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      <option value="any">Any label</option>
      <For each={labels()}>
        {(l) => (
          <option value={l.id} selected={l.id === props.value}>
            {l.name}
          </option>
        )}
      </For>
    </select>
  );
}
