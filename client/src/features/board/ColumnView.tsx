import { createSignal, For, Show } from 'solid-js';
import { createSortable, maybeTransformStyle, useDragDropContext } from '@thisbeyond/solid-dnd';
import type { ColumnRow, TaskRow } from '../../collections/types';
import { AddCard } from './AddCard';
import { Card } from './Card';
import { ColumnHeader } from './ColumnHeader';
import { useDropMarks } from './card-dnd';
import { createCardWindow } from './card-window';
import { DeleteColumnDialog } from './DeleteColumnDialog';
import { useCanWrite } from './role';
import { setArchived } from '../boards/archive';
import type { DeleteColumnMeta } from '../../collections/board-data';
import type { TaskStats } from './use-board';

export interface ColumnViewProps {
  column: ColumnRow;
  /** Plain rows (sorted and filtered without a proxy per row); `live` gives a rendered one's proxy. */
  cards: TaskRow[];
  live: (row: TaskRow) => TaskRow | undefined;
  totalCards: number;
  /** On an on-demand board: the column has cards past the loaded ones (`onNearEnd` loads them). */
  hasMore?: boolean;
  onNearEnd?: () => Promise<void> | undefined;
  /** Read only when the delete dialog asks: the count of this column's archived cards. */
  archivedCards: () => number;
  first: boolean;
  last: boolean;
  filtering: boolean;
  otherColumns: { id: string; name: string }[];
  stats: (taskId: string) => TaskStats | undefined;
  unread: (taskId: string) => boolean;
  openTaskId: string | undefined;
  /** A card to keep rendered however the column is scrolled (the one being dragged or just moved). */
  pinnedId: string | undefined;
  onOpen: (taskId: string) => void;
  onMoveKey: (taskId: string, key: string) => void;
  /** Resolves to why the card could not be created, or undefined. */
  onAddCard: (title: string) => Promise<string | undefined>;
  onRename: (name: string) => void;
  onShift: (dir: -1 | 1) => void;
  onDelete: (tasks: DeleteColumnMeta['tasks']) => void;
}

export function ColumnView(props: ColumnViewProps) {
  // A drop target for cards and, by its grip, a sortable item among the columns.
  // eslint-disable-next-line solid/reactivity -- a column view is keyed by its column id
  const sortable = createSortable(props.column.id, { type: 'column' });
  const [dnd] = useDragDropContext()!;
  // Outline the column a card would land in (a dragged column shows its slot by moving).
  const cardOver = () => sortable.isActiveDroppable && dnd.active.draggable?.data.type === 'card';
  const [deleting, setDeleting] = createSignal(false);
  const marks = useDropMarks();
  const canWrite = useCanWrite();
  // Scrolled near the end of the loaded cards: the next page, one request at a time.
  let loadingMore = false;
  const nearEnd = (ul: HTMLElement) => {
    if (loadingMore || !props.hasMore || !props.onNearEnd) return;
    if (ul.scrollTop + ul.clientHeight < ul.scrollHeight - 2 * ul.clientHeight) return;
    const p = props.onNearEnd();
    if (!p) return;
    loadingMore = true;
    void p.finally(() => {
      loadingMore = false;
      // Still at the end (short cards, a fast scroll): the next one.
      requestAnimationFrame(() => nearEnd(ul));
    });
  };
  const win = createCardWindow(
    () => props.cards,
    () => [props.pinnedId, props.openTaskId],
    (row) => props.live(row),
  );
  return (
    <section
      ref={(el) => sortable.ref(el)}
      class="column"
      classList={{ 'drop-target': cardOver(), dragging: sortable.isActiveDraggable }}
      style={maybeTransformStyle(sortable.transform)}
      aria-label={`Column ${props.column.name}`}
      data-column-id={props.column.id}
    >
      <ColumnHeader
        name={props.column.name}
        count={props.totalCards}
        first={props.first}
        last={props.last}
        onRename={(n) => props.onRename(n)}
        onShift={(d) => props.onShift(d)}
        onDelete={() => setDeleting(true)}
        dragHandle={sortable.dragActivators}
      />
      <ul
        ref={(el) => win.setList(el)}
        class="cards"
        classList={{ 'drop-end': marks.columnEnd(props.column.id) }}
        aria-label={`Cards in ${props.column.name}`}
        onScroll={(e) => nearEnd(e.currentTarget)}
        onFocusIn={(e) =>
          win.setFocused((e.target as HTMLElement).closest<HTMLElement>('[data-task-id]')?.dataset.taskId)
        }
        onFocusOut={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) win.setFocused(undefined);
        }}
      >
        <Show when={win.padTop()}>
          <li class="spacer" aria-hidden="true" style={{ height: `${win.padTop()}px` }} />
        </Show>
        <For each={win.shown()}>
          {(t) => (
            <Card
              task={t}
              stats={props.stats(t.id)}
              unread={props.unread(t.id)}
              open={props.openTaskId === t.id}
              onOpen={() => props.onOpen(t.id)}
              onMoveKey={(k) => props.onMoveKey(t.id, k)}
            />
          )}
        </For>
        <Show when={win.padBottom()}>
          <li class="spacer" aria-hidden="true" style={{ height: `${win.padBottom()}px` }} />
        </Show>
        <Show when={props.hasMore && !props.filtering}>
          <li class="state more" style={{ margin: '8px 0', 'font-size': '12px' }}>
            {props.totalCards - props.cards.length} more cards, loading as you scroll…
          </li>
        </Show>
        <Show when={!props.cards.length}>
          <li class="state" style={{ margin: '8px 0', 'font-size': '12px' }}>
            {props.filtering && props.totalCards ? 'No cards match the filter' : 'No cards yet'}
          </li>
        </Show>
      </ul>
      <Show when={canWrite()}>
        <div class="column-foot">
          <AddCard columnName={props.column.name} onAdd={(title) => props.onAddCard(title)} />
        </div>
      </Show>
      <DeleteColumnDialog
        open={deleting()}
        name={props.column.name}
        taskCount={props.totalCards}
        archivedCount={deleting() ? props.archivedCards() : 0}
        otherColumns={props.otherColumns}
        onConfirm={(tasks) => props.onDelete(tasks)}
        onArchive={() => void setArchived('column', props.column.id, true, 'the column')}
        onClose={() => setDeleting(false)}
      />
    </section>
  );
}
