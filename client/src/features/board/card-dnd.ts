import { createContext, createSelector, useContext, type Accessor } from 'solid-js';
import { createDraggable, createDroppable } from '@thisbeyond/solid-dnd';
import type { DropHint } from './move-target';

// Cards are plain draggables and droppables, not solid-dnd sortables. A sortable shifts every
// card of its list with a transform on each move, read from its list's id array (one indexOf per
// card, so O(n²) per change: 15 s to mount 1,000 cards) and assuming equal heights (cards of
// different heights overlapped). Here nothing moves while dragging: the card rides in the drag
// overlay and a line shows where it will land (see `DropHint`).

/** Which side of a card (or the end of which column) the line is drawn on. */
export interface DropMarks {
  card: (taskId: string) => 'before' | 'after' | undefined;
  columnEnd: (columnId: string) => boolean;
}

const none: DropMarks = { card: () => undefined, columnEnd: () => false };
export const DropMarksContext = createContext<DropMarks>(none);
export const useDropMarks = () => useContext(DropMarksContext);

/** Marks from the hint; selectors, so a change of hint touches two cards, not all of them. */
export function dropMarks(hint: Accessor<DropHint | undefined>): DropMarks {
  const over = createSelector(() => hint()?.overId);
  const end = createSelector(() => {
    const h = hint();
    return h && h.overId === undefined ? h.columnId : undefined;
  });
  return {
    card: (id) => (over(id) ? (hint()?.after ? 'after' : 'before') : undefined),
    columnEnd: (id) => end(id),
  };
}

/** A card's drag source and drop target in one ref; the card itself is never transformed. */
export function createCardDnd(taskId: string, columnId: string) {
  const draggable = createDraggable(taskId, { type: 'card', columnId });
  const droppable = createDroppable(taskId, { type: 'card', columnId });
  return {
    ref: (el: HTMLElement) => {
      draggable(el, () => ({ skipTransform: true }));
      droppable(el, () => ({ skipTransform: true }));
    },
    isActiveDraggable: () => draggable.isActiveDraggable,
  };
}
