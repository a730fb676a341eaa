import { createCollection } from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import { boardsApi } from '../api/rest';
import { shapeOptions } from './shape-options';
import type { BoardRow } from './types';

function makeBoards() {
  return createCollection(
    electricCollectionOptions<BoardRow>({
      id: 'boards',
      shapeOptions: shapeOptions('boards'),
      getKey: (b) => b.id,
      onInsert: async ({ transaction }) => {
        const b = transaction.mutations[0].modified;
        const { txid } = await boardsApi.create({ id: b.id, name: b.name });
        return { txid };
      },
      onUpdate: async ({ transaction }) => {
        const m = transaction.mutations[0];
        const { txid } = await boardsApi.rename(m.key as string, m.modified.name);
        return { txid };
      },
      onDelete: async ({ transaction }) => {
        const { txid } = await boardsApi.remove(transaction.mutations[0].key as string);
        return { txid };
      },
    }),
  );
}

let boards: ReturnType<typeof makeBoards> | undefined;
/** The one boards collection, created on first use (so tests and SSR never start a stream). */
export const boardsCollection = () => (boards ??= makeBoards());
export type BoardsCollection = ReturnType<typeof makeBoards>;
