import { createSignal, Show } from 'solid-js';
import type { createSortable } from '@thisbeyond/solid-dnd';
import { GripIcon, TrashIcon } from '../../ui/Icons';
import { useCanWrite } from './role';

export interface ColumnHeaderProps {
  name: string;
  count: number;
  first: boolean;
  last: boolean;
  onRename: (name: string) => void;
  onShift: (dir: -1 | 1) => void;
  onDelete: () => void;
  /** Pointer handlers that start a column drag (solid-dnd's drag activators). */
  dragHandle: ReturnType<typeof createSortable>['dragActivators'];
}

/** Column name (click to rename), card count, and the column's actions. */
export function ColumnHeader(props: ColumnHeaderProps) {
  const [editing, setEditing] = createSignal(false);
  const canWrite = useCanWrite();
  const save = (value: string) => {
    setEditing(false);
    const name = value.trim();
    if (name && name !== props.name) props.onRename(name);
  };
  return (
    <div class="column-head">
      {/* Pointer only: the ‹ › buttons are the keyboard way to reorder. */}
      <Show when={canWrite()}>
        <span
          class="grip"
          title="Drag to reorder the column"
          aria-hidden="true"
          data-testid="column-grip"
          {...props.dragHandle}
        >
          <GripIcon />
        </span>
      </Show>
      <Show
        when={editing()}
        fallback={
          <h2>
            <Show when={canWrite()} fallback={props.name}>
              <button
                class="btn ghost"
                style={{ padding: '0', 'font-weight': '600' }}
                title="Rename column"
                aria-label={`Rename column ${props.name}`}
                onClick={() => setEditing(true)}
              >
                {props.name}
              </button>
            </Show>
          </h2>
        }
      >
        <input
          class="field"
          style={{ flex: '1', 'min-width': '0' }}
          value={props.name}
          aria-label="Column name"
          ref={(el) => queueMicrotask(() => el.select())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save(e.currentTarget.value);
            if (e.key === 'Escape') setEditing(false);
          }}
          onBlur={(e) => editing() && save(e.currentTarget.value)}
        />
      </Show>
      <span class="count" aria-label={`${props.count} cards`}>
        {props.count}
      </span>
      <Show when={canWrite()}>
        <button
          class="btn ghost icon"
          aria-label={`Move column ${props.name} left`}
          disabled={props.first}
          onClick={() => props.onShift(-1)}
        >
          ‹
        </button>
        <button
          class="btn ghost icon"
          aria-label={`Move column ${props.name} right`}
          disabled={props.last}
          onClick={() => props.onShift(1)}
        >
          ›
        </button>
        <button
          class="btn ghost icon"
          aria-label={`Delete column ${props.name}`}
          onClick={() => props.onDelete()}
        >
          <TrashIcon />
        </button>
      </Show>
    </div>
  );
}
