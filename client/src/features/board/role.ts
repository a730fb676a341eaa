import { createContext, useContext } from 'solid-js';
import type { BoardRole } from '@kanban/shared';

// The signed-in user's role on the open board (from the memberships shape), for the views that
// offer writes: a viewer gets a read-only board. The server refuses the writes anyway (403); this
// only keeps the controls away.

export const RoleContext = createContext<() => BoardRole | undefined>(() => undefined);

/** True for owners and editors: add, drag, edit, chat. */
export function useCanWrite(): () => boolean {
  const role = useContext(RoleContext);
  return () => {
    const r = role();
    return r === 'owner' || r === 'editor';
  };
}
