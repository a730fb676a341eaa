import { createRoot, createSignal } from 'solid-js';
import type { Member } from '@kanban/shared';
import { membersApi } from '../auth/auth-api';

// The open board's members (names and colours for assignee avatars and the picker), read over
// REST when the board opens and after a change in the members dialog. Not a live shape: the
// open board already holds five of the browser's six connections per origin.

const store = createRoot(() => {
  const [state, setState] = createSignal<{ boardId: string; rows: Member[] }>();
  return { state, setState };
});

export async function loadBoardMembers(boardId: string): Promise<void> {
  try {
    const { data } = await membersApi.list(boardId);
    store.setState({ boardId, rows: data });
  } catch {
    // The avatars fall back to "someone"; the next open or dialog change reads again.
  }
}

/** Members of `boardId` as last read (empty until then). */
export const boardMembers = (boardId: string): Member[] =>
  store.state()?.boardId === boardId ? store.state()!.rows : [];

export const memberOf = (boardId: string, userId: string) =>
  boardMembers(boardId).find((m) => m.user_id === userId);
