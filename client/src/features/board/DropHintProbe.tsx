import { useDragDropContext, type Draggable } from '@thisbeyond/solid-dnd';
import type { DropHint } from './move-target';

/**
 * Follows a card drag and reports where it would land: before or after the card under it (by
 * the dragged card's centre against that card's middle, so cards of any height work), or the end
 * of the column it is over. Renders nothing; lives inside the DragDropProvider for its state.
 */
export function DropHintProbe(props: { onHint: (hint: DropHint | undefined) => void }) {
  const [state, actions] = useDragDropContext()!;
  const update = ({
    draggable,
    overlay,
  }: {
    draggable: Draggable;
    overlay?: { transformed: Draggable['transformed'] } | null;
  }) => {
    const over = state.active.droppable;
    if (draggable.data.type !== 'card' || !over) return props.onHint(undefined);
    if (over.data.type === 'column') return props.onHint({ columnId: String(over.id), after: false });
    const y = (overlay ?? draggable).transformed.center.y;
    props.onHint({
      columnId: String(over.data.columnId),
      overId: String(over.id),
      after: y > over.layout.center.y,
    });
  };
  // Both run in effects of the provider (tracked there); the hint is a signal set from them.
  // eslint-disable-next-line solid/reactivity -- onDragMove runs its handler inside an effect
  actions.onDragMove((e) => update(e));
  // eslint-disable-next-line solid/reactivity -- likewise
  actions.onDragOver((e) => update(e));
  return null;
}
