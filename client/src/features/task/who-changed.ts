import { createResource, type Accessor } from 'solid-js';
import { membersApi } from '../../auth/auth-api';
import { currentUser } from '../../auth/session';

// Who changed a row (its updated_by) as a name a person recognises: "you (in another tab)",
// a member's name, or "someone" (a removed member, an API key, the agent). The member list is
// asked for only when a conflict is shown, once per board and page.

const lists = new Map<string, Promise<Map<string, string>>>();

function names(boardId: string) {
  let list = lists.get(boardId);
  if (!list) {
    list = membersApi.list(boardId).then(
      (r) => new Map(r.data.map((m) => [m.user_id, m.user_name])),
      () => new Map<string, string>(),
    );
    lists.set(boardId, list);
  }
  return list;
}

export function useChangedBy(boardId: Accessor<string>, userId: Accessor<string | null | undefined>) {
  const [name] = createResource(
    () => ({ board: boardId(), user: userId() }),
    async ({ board, user }) => {
      if (!user) return 'Someone';
      if (user === currentUser()?.id) return 'You (in another tab)';
      const known = (await names(board)).get(user);
      if (known) return known;
      lists.delete(board); // a member who joined since: ask again next time
      return 'Someone';
    },
  );
  return () => name() ?? 'Someone';
}
