import { createMemo, createSignal, For, Show } from 'solid-js';
import {
  closestCenter,
  DragDropProvider,
  DragDropSensors,
  DragOverlay,
  SortableProvider,
  type CollisionDetector,
  type DragEvent,
} from '@thisbeyond/solid-dnd';
import type { TaskRow } from '../../collections/types';
import { DropMarksContext, dropMarks } from './card-dnd';
import { DropHintProbe } from './DropHintProbe';
import { moveTask, createTask } from './actions';
import { addColumn, deleteColumn, moveColumn, renameColumn, shiftColumn } from './column-actions';
import { CardBody } from './Card';
import { ColumnView } from './ColumnView';
import { compileFilter, isFiltering, type CardFilter } from './filter';
import { dropSlot, fullIndex, keyboardTarget, type DropHint } from './move-target';
import type { BoardView as Board } from './use-board';
import { useCanWrite } from './role';

// A column being dragged only looks at other columns. A card finds the column under the
// pointer first, then the card within it; below a column's last card counts as "the end of
// this column".
const columnThenCard: CollisionDetector = (draggable, droppables, context) => {
  const column = closestCenter(
    draggable,
    droppables.filter((d) => d.data.type === 'column'),
    context,
  );
  if (!column || draggable.data.type === 'column') return column;
  const cards = droppables.filter((d) => d.data.type === 'card' && d.data.columnId === column.id);
  const card = closestCenter(draggable, cards, context);
  if (!card) return column;
  const last = cards.reduce((a, b) => (b.layout.center.y > a.layout.center.y ? b : a));
  if (card === last && card.id !== draggable.id && draggable.transformed.center.y > last.layout.bottom)
    return column;
  return card;
};

export function BoardView(props: {
  board: Board;
  filter: CardFilter;
  openTaskId: string | undefined;
  onOpen: (taskId: string) => void;
}) {
  const [activeId, setActiveId] = createSignal<string>();
  const [movedId, setMovedId] = createSignal<string>();
  const canWrite = useCanWrite();
  const activeTask = () => {
    const id = activeId();
    return id ? props.board.task(id) : undefined;
  };
  // Every column's visible cards, computed once per change of rows or filter (the columns read
  // them many times). A column whose cards did not change keeps its array, so its <For> does
  // nothing on a keystroke that does not change what it shows.
  const matcher = createMemo(() => compileFilter(props.filter));
  const visibleByColumn = createMemo((prev: Map<string, TaskRow[]>) => {
    const keep = matcher();
    const next = new Map<string, TaskRow[]>();
    for (const c of props.board.columns()) {
      const all = props.board.tasksIn(c.id);
      const shown = keep ? all.filter(keep) : all;
      const before = prev.get(c.id);
      next.set(c.id, before && sameRows(before, shown) ? before : shown);
    }
    return next;
  }, new Map());
  const visible = (columnId: string) => visibleByColumn().get(columnId) ?? [];
  const [hint, setHint] = createSignal<DropHint | undefined>(undefined, { equals: sameHint });
  // eslint-disable-next-line solid/reactivity -- dropMarks reads the accessor in selectors
  const marks = dropMarks(hint);
  const others = (id: string) =>
    props.board
      .columns()
      .filter((c) => c.id !== id)
      .map((c) => ({ id: c.id, name: c.name }));

  /** Moves a card to `index` of the visible list of `columnId` (the card itself excluded). */
  const moveToVisible = (taskId: string, columnId: string, index: number) => {
    const vis = visible(columnId)
      .map((t) => t.id)
      .filter((id) => id !== taskId);
    const full = props.board
      .tasksIn(columnId)
      .map((t) => t.id)
      .filter((id) => id !== taskId);
    void moveTask(props.board.data, taskId, columnId, fullIndex(vis, full, index));
  };

  const activeColumn = () => props.board.columns().find((c) => c.id === activeId());

  const onDragEnd = ({ draggable, droppable }: DragEvent) => {
    setActiveId(undefined);
    if (!droppable || !canWrite()) return;
    if (draggable.data.type === 'column') {
      // Sortable semantics: the column takes the place of the one it was dropped on.
      const index = props.board.columns().findIndex((c) => c.id === droppable.id);
      return void moveColumn(props.board.data, String(draggable.id), index);
    }
    // Where the line was drawn is where the card lands.
    const h = hint();
    setHint(undefined);
    if (!h) return;
    const taskId = String(draggable.id);
    const ids = visible(h.columnId).map((t) => t.id);
    moveToVisible(taskId, h.columnId, dropSlot(ids, taskId, h));
  };

  const onMoveKey = (taskId: string, key: string) => {
    const cols = props.board.columns().map((c) => ({ id: c.id, taskIds: visible(c.id).map((t) => t.id) }));
    const target = keyboardTarget(cols, taskId, key);
    if (!target) return;
    // Rendered in its new place however that column is scrolled, and focused there.
    setMovedId(taskId);
    moveToVisible(taskId, target.columnId, target.index);
    requestAnimationFrame(() => {
      document.querySelector<HTMLElement>(`[data-task-id="${taskId}"]`)?.focus();
      setMovedId(undefined);
    });
  };

  return (
    <DragDropProvider
      collisionDetector={columnThenCard}
      onDragStart={({ draggable }) => setActiveId(String(draggable.id))}
      onDragEnd={onDragEnd}
    >
      <DragDropSensors />
      <DropHintProbe onHint={setHint} />
      <DropMarksContext.Provider value={marks}>
        <Show when={props.board.onDemand && isFiltering(props.filter)}>
          <p class="state filter-note" role="status">
            This board loads its cards as you scroll: the filter applies to the loaded cards only.
          </p>
        </Show>
        <div class="board" data-testid="board">
          <SortableProvider ids={props.board.columns().map((c) => c.id)}>
            <For each={props.board.columns()}>
              {(col, i) => (
                <ColumnView
                  column={col}
                  cards={visible(col.id)}
                  live={(row) => props.board.live(row)}
                  totalCards={props.board.countIn(col.id)}
                  hasMore={props.board.hasMore(col.id)}
                  onNearEnd={() => props.board.loadMore(col.id)}
                  archivedCards={() => props.board.archivedIn(col.id)}
                  first={i() === 0}
                  last={i() === props.board.columns().length - 1}
                  filtering={isFiltering(props.filter)}
                  otherColumns={others(col.id)}
                  stats={(id) => props.board.stats(id)}
                  unread={(id) => props.board.unread(id)}
                  openTaskId={props.openTaskId}
                  pinnedId={activeId() ?? movedId()}
                  onOpen={(id) => props.onOpen(id)}
                  onMoveKey={onMoveKey}
                  onAddCard={(title) =>
                    createTask(props.board.data, col.id, title).then((o) => (o.ok ? undefined : o.reason))
                  }
                  onRename={(name) => void renameColumn(props.board.data, col.id, name)}
                  onShift={(dir) => void shiftColumn(props.board.data, col.id, dir)}
                  onDelete={(tasks) => void deleteColumn(props.board.data, col.id, tasks)}
                />
              )}
            </For>
          </SortableProvider>
          <Show when={canWrite()}>
            <AddColumn onAdd={(name) => void addColumn(props.board.data, name)} />
          </Show>
        </div>
      </DropMarksContext.Provider>
      <DragOverlay>
        <Show when={activeColumn()}>
          {(c) => (
            <div class="column overlay">
              <div class="column-head">
                <h2>{c().name}</h2>
                <span class="count">{props.board.countIn(c().id)}</span>
              </div>
            </div>
          )}
        </Show>
        <Show when={activeTask()}>
          {(t) => (
            <div class="card overlay">
              <CardBody task={t()} stats={props.board.stats(t().id)} unread={false} />
            </div>
          )}
        </Show>
      </DragOverlay>
    </DragDropProvider>
  );
}

const sameRows = (a: TaskRow[], b: TaskRow[]) => a.length === b.length && a.every((t, i) => t === b[i]);
const sameHint = (a: DropHint | undefined, b: DropHint | undefined) =>
  a === b || (!!a && !!b && a.columnId === b.columnId && a.overId === b.overId && a.after === b.after);

function AddColumn(props: { onAdd: (name: string) => void }) {
  let input!: HTMLInputElement;
  return (
    <form
      class="add-column"
      onSubmit={(e) => {
        e.preventDefault();
        const name = input.value.trim();
        if (name) props.onAdd(name);
        input.value = '';
      }}
    >
      <input
        ref={input}
        class="field"
        style={{ width: '100%' }}
        placeholder="+ Add a column"
        aria-label="New column name"
      />
    </form>
  );
}
