import { createSignal, For, Show } from 'solid-js';
import { Dialog } from '../../ui/Dialog';
import type { DeleteColumnMeta } from '../../collections/board-data';

export interface DeleteColumnDialogProps {
  open: boolean;
  name: string;
  taskCount: number;
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
  return (
    <Dialog open={props.open} title={`Delete column “${props.name}”?`} onClose={() => props.onClose()}>
      <Show when={props.taskCount > 0} fallback={<p>The column is empty.</p>}>
        <p>
          It holds {props.taskCount} card{props.taskCount === 1 ? '' : 's'}. What should happen to{' '}
          {props.taskCount === 1 ? 'it' : 'them'}?
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
              props.taskCount === 0 ? undefined : t === 'delete' ? { deleteTasks: true } : { moveTasksTo: t },
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
