import { createSignal, For, Show } from 'solid-js';
import { Dialog } from '../../ui/Dialog';
import type { DeleteColumnMeta } from '../../collections/board-data';

export interface DeleteColumnDialogProps {
  open: boolean;
  name: string;
  taskCount: number;
  /** Its archived cards: hidden from the board, but the delete takes (or moves) them too. */
  archivedCount: number;
  otherColumns: { id: string; name: string }[];
  onConfirm: (tasks: DeleteColumnMeta['tasks']) => void;
  /** Archive instead: the column and its cards leave the board and can be restored. */
  onArchive?: () => void;
  onClose: () => void;
}

/** The tasks rule made visible: an empty column just goes; otherwise move its cards or delete them. */
export function DeleteColumnDialog(props: DeleteColumnDialogProps) {
  const [choice, setChoice] = createSignal<string>('');
  const target = () => choice() || props.otherColumns[0]?.id || 'delete';
  const total = () => props.taskCount + props.archivedCount;
  const holds = () =>
    [
      props.taskCount && count(props.taskCount, 'card'),
      props.archivedCount && count(props.archivedCount, 'archived card'),
    ]
      .filter(Boolean)
      .join(' and ');
  return (
    <Dialog open={props.open} title={`Delete column “${props.name}”?`} onClose={() => props.onClose()}>
      <Show when={total() > 0} fallback={<p>The column is empty.</p>}>
        <p>
          It holds {holds()}. What should happen to {total() === 1 ? 'it' : 'them'}?
        </p>
        <label>
          Cards:{' '}
          <select class="field" value={target()} onChange={(e) => setChoice(e.currentTarget.value)}>
            <For each={props.otherColumns}>{(c) => <option value={c.id}>Move to {c.name}</option>}</For>
            <option value="delete">Delete them with the column</option>
          </select>
        </label>
      </Show>
      <div class="actions">
        <button class="btn" onClick={() => props.onClose()}>
          Cancel
        </button>
        <Show when={props.onArchive}>
          <button
            class="btn"
            onClick={() => {
              props.onArchive?.();
              props.onClose();
            }}
          >
            Archive instead
          </button>
        </Show>
        <button
          class="btn danger"
          onClick={() => {
            const t = target();
            props.onConfirm(
              total() === 0 ? undefined : t === 'delete' ? { deleteTasks: true } : { moveTasksTo: t },
            );
            props.onClose();
          }}
        >
          Delete column
        </button>
      </div>
    </Dialog>
  );
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
