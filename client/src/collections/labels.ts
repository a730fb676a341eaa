import { createCollection } from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { Label } from '@kanban/shared';
import { labelsApi } from '../api/rest';
import { shapeOptions } from './shape-options';

// The open board's labels (shape `labels?board=`). Written through REST with the txid, like
// the other collections; one board's labels stream at a time (see board-data.ts on why).

function labelsOf(boardId: string) {
  return createCollection(
    electricCollectionOptions<Label>({
      id: `labels:${boardId}`,
      shapeOptions: shapeOptions('labels', { board: boardId }),
      getKey: (l) => l.id,
      onInsert: async ({ transaction }) => {
        const l = transaction.mutations[0].modified;
        return { txid: (await labelsApi.create(boardId, { id: l.id, name: l.name, color: l.color })).txid };
      },
      onDelete: async ({ transaction }) => ({
        txid: (await labelsApi.remove(transaction.mutations[0].original.id)).txid,
      }),
    }),
  );
}

let current: { boardId: string; labels: ReturnType<typeof labelsOf> } | undefined;
export function labelsCollection(boardId: string) {
  if (current?.boardId === boardId) return current.labels;
  const previous = current;
  current = { boardId, labels: labelsOf(boardId) };
  if (previous) setTimeout(() => void previous.labels.cleanup(), 0);
  return current.labels;
}
