import { createCollection } from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { Member } from '@kanban/shared';
import { shapeOptions } from './shape-options';

// The signed-in user's memberships, one row per board (`members?user=me`; the server rewrites
// `me` to the session's user). This is the boards list: a row that goes (removed, board deleted)
// takes the board out of the list live.

export type MembershipRow = Member;

function makeMemberships() {
  return createCollection(
    electricCollectionOptions<MembershipRow>({
      id: 'memberships',
      shapeOptions: shapeOptions('members', { user: 'me' }),
      getKey: (m) => m.board_id,
    }),
  );
}

let memberships: ReturnType<typeof makeMemberships> | undefined;
/** Created on first use, so tests and the sign-in screen never start a stream. */
export const membershipsCollection = () => (memberships ??= makeMemberships());
