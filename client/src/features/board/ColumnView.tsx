import { createSignal, For, Show } from 'solid-js';
import {
  createSortable,
  maybeTransformStyle,
  SortableProvider,
  useDragDropContext,
} from '@thisbeyond/solid-dnd';
import type { ColumnRow, TaskRow } from '../../collections/types';
import { AddCard } from './AddCard';
import { Card } from './Card';
import { ColumnHeader } from './ColumnHeader';
import { DeleteColumnDialog } from './DeleteColumnDialog';
import { setArchived } from '../boards/archive';
import type { DeleteColumnMeta } from '../../collections/board-data';
import type { TaskStats } from './use-board';

export interface ColumnViewProps {
  column: ColumnRow;
  cards: TaskRow[];
  totalCards: number;
  first: boolean;
  last: boolean;
  filtering: boolean;
  otherColumns: { id: string; name: string }[];
  stats: (taskId: string) => TaskStats | undefined;
  unread: (taskId: string) => boolean;
  openTaskId: string | undefined;
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
  const ids = () => props.cards.map((t) => t.id);
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
      <ul class="cards" aria-label={`Cards in ${props.column.name}`}>
        <SortableProvider ids={ids()}>
          <For each={props.cards}>
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
        </SortableProvider>
        <Show when={!props.cards.length}>
          <li class="state" style={{ margin: '8px 0', 'font-size': '12px' }}>
            {props.filtering && props.totalCards ? 'No cards match the filter' : 'No cards yet'}
          </li>
        </Show>
      </ul>
      <div class="column-foot">
        <AddCard columnName={props.column.name} onAdd={(title) => props.onAddCard(title)} />
      </div>
      <DeleteColumnDialog
        open={deleting()}
        name={props.column.name}
        taskCount={props.totalCards}
        otherColumns={props.otherColumns}
        onConfirm={(tasks) => props.onDelete(tasks)}
        onArchive={() => void setArchived('column', props.column.id, true, 'the column')}
        onClose={() => setDeleting(false)}
      />
    </section>
  );
}
