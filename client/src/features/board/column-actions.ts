import type { BoardData, DeleteColumnMeta } from '../../collections/board-data';
import { commit } from '../../collections/commit';
import { sortByPosition, spotAt, spotAtEnd } from '../../collections/ordering';

const now = () => new Date().toISOString();
const ordered = (data: BoardData) => sortByPosition([...data.columns.values()]);

export function addColumn(data: BoardData, name: string) {
  const spot = spotAtEnd(ordered(data));
  const row = {
    id: crypto.randomUUID(),
    board_id: data.boardId,
    name,
    position: spot.position,
    created_at: now(),
    updated_at: now(),
  };
  return commit(data.columns.insert(row), 'Adding the column');
}

export function renameColumn(data: BoardData, id: string, name: string) {
  if (data.columns.get(id)?.name === name) return Promise.resolve(true);
  return commit(
    data.columns.update(id, (d) => {
      d.name = name;
    }),
    'Renaming the column',
  );
}

/** Moves a column one step left (-1) or right (+1). */
export function shiftColumn(data: BoardData, id: string, dir: -1 | 1) {
  const i = ordered(data).findIndex((c) => c.id === id);
  return i < 0 ? Promise.resolve(false) : moveColumn(data, id, i + dir);
}

/** Moves a column so that it ends up at `index` of the board's columns. */
export function moveColumn(data: BoardData, id: string, index: number) {
  const all = ordered(data);
  const i = all.findIndex((c) => c.id === id);
  if (i < 0 || i === index || index < 0 || index >= all.length) return Promise.resolve(false);
  const spot = spotAt(
    all.filter((c) => c.id !== id),
    index,
  );
  const tx = data.columns.update(id, { metadata: { placement: spot.placement } }, (d) => {
    d.position = spot.position;
  });
  return commit(tx, 'Moving the column');
}

/** Deletes a column; a non-empty one needs its tasks moved to another column or deleted. */
export function deleteColumn(data: BoardData, id: string, tasks?: DeleteColumnMeta['tasks']) {
  return commit(data.columns.delete(id, { metadata: { tasks } }), 'Deleting the column');
}
