import { createSignal, For, Show, type JSX } from 'solid-js';
import { Dialog } from '../../ui/Dialog';
import type { BoardView } from '../board/use-board';
import { setArchived } from './archive';

/** The board's archived columns and cards, each with Restore. */
export function ArchivedView(props: { board: BoardView }) {
  const [open, setOpen] = createSignal(false);
  const columns = () => props.board.archivedColumns();
  const cards = () => props.board.archivedTasks();
  const columnName = (id: string) => props.board.allColumns().find((c) => c.id === id)?.name ?? '';
  return (
    <>
      <button class="btn" onClick={() => setOpen(true)}>
        Archived ({columns().length + cards().length})
      </button>
      <Dialog open={open()} title="Archived" onClose={() => setOpen(false)}>
        <div class="archived" data-testid="archived-view">
          <Show when={!columns().length && !cards().length}>
            <p class="hint">Nothing is archived on this board.</p>
          </Show>
          <RestoreList
            heading="Columns"
            items={columns()}
            kind="column"
            name={(c) => c.name}
            label={(c) => c.name}
          />
          <RestoreList
            heading="Cards"
            items={cards()}
            kind="task"
            name={(t) => t.title}
            label={(t) => (
              <>
                {t.title} <span class="hint">in {columnName(t.column_id)}</span>
              </>
            )}
          />
        </div>
        <div class="actions">
          <button class="btn" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </Dialog>
    </>
  );
}

const NOUN = { column: 'column', task: 'card' } as const;

/** One kind of archived thing under its heading, each with its Restore button (none: nothing). */
function RestoreList<T extends { id: string }>(props: {
  heading: string;
  items: T[];
  kind: 'column' | 'task';
  /** Names it in the button's label. */
  name: (item: T) => string;
  label: (item: T) => JSX.Element;
}) {
  return (
    <Show when={props.items.length}>
      <h3>{props.heading}</h3>
      <ul>
        <For each={props.items}>
          {(item) => (
            <li>
              <span>{props.label(item)}</span>
              <button
                class="btn small"
                aria-label={`Restore ${NOUN[props.kind]} ${props.name(item)}`}
                onClick={() => void setArchived(props.kind, item.id, false, `the ${NOUN[props.kind]}`)}
              >
                Restore
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
