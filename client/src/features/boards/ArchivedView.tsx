import { createSignal, For, Show } from 'solid-js';
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
          <Show when={columns().length}>
            <h3>Columns</h3>
            <ul>
              <For each={columns()}>
                {(c) => (
                  <li>
                    <span>{c.name}</span>
                    <button
                      class="btn small"
                      aria-label={`Restore column ${c.name}`}
                      onClick={() => void setArchived('column', c.id, false, 'the column')}
                    >
                      Restore
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={cards().length}>
            <h3>Cards</h3>
            <ul>
              <For each={cards()}>
                {(t) => (
                  <li>
                    <span>
                      {t.title} <span class="hint">in {columnName(t.column_id)}</span>
                    </span>
                    <button
                      class="btn small"
                      aria-label={`Restore card ${t.title}`}
                      onClick={() => void setArchived('task', t.id, false, 'the card')}
                    >
                      Restore
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
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
