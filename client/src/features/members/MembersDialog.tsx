import { createResource, createSignal, For, Show } from 'solid-js';
import type { BoardRole } from '@kanban/shared';
import { describeError } from '../../api/http';
import { inviteApi, membersApi, type CreatedInvite } from '../../auth/auth-api';
import { navigate } from '../../lib/route';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';

// Not BOARD_ROLES from @kanban/shared: importing a value from there bundles zod.
const ROLES: BoardRole[] = ['owner', 'editor', 'viewer'];

const EXPIRIES = [
  { hours: 24, label: '1 day' },
  { hours: 72, label: '3 days' },
  { hours: 24 * 7, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
];

/** Who is on the board; owners change roles, remove people and make invite links. */
export function MembersDialog(props: {
  boardId: string;
  boardName: string;
  role: BoardRole;
  userId: string;
  onClose: () => void;
}) {
  const [members, { refetch }] = createResource(
    () => props.boardId,
    (id) => membersApi.list(id).then((r) => r.data),
  );
  const [failure, setFailure] = createSignal<string>();
  const [invites, setInvites] = createSignal<(CreatedInvite & { revoked?: boolean })[]>([]);
  const [inviteRole, setInviteRole] = createSignal<BoardRole>('editor');
  const [inviteHours, setInviteHours] = createSignal(72);
  const owner = () => props.role === 'owner';

  const run = async (what: string, op: () => Promise<unknown>) => {
    setFailure(undefined);
    try {
      await op();
      return true;
    } catch (err) {
      setFailure(`${what} failed: ${describeError(err)}`);
      return false;
    } finally {
      void refetch();
    }
  };

  const leave = async () => {
    if (await run('Leaving the board', () => membersApi.remove(props.boardId, props.userId))) {
      props.onClose();
      navigate({});
    }
  };

  const createInvite = () =>
    run('Creating the invite link', async () => {
      const { data } = await inviteApi.create(props.boardId, {
        role: inviteRole(),
        expiresInHours: inviteHours(),
      });
      setInvites((l) => [data, ...l]);
    });

  return (
    <Dialog open title={`Members of ${props.boardName}`} onClose={() => props.onClose()}>
      <Show when={failure()}>
        <p class="input-error" role="alert">
          {failure()}
        </p>
      </Show>
      <ul class="member-list" data-testid="member-list">
        <For each={members() ?? []}>
          {(m) => (
            <li data-user-id={m.user_id}>
              <Avatar name={m.user_name} color={m.user_color} small />
              <span class="member-name">
                {m.user_name}
                {m.user_id === props.userId ? ' (you)' : ''}
              </span>
              <Show when={owner()} fallback={<span class="muted">{m.role}</span>}>
                <select
                  class="field"
                  aria-label={`Role of ${m.user_name}`}
                  value={m.role}
                  onChange={(e) => {
                    const role = e.currentTarget.value as BoardRole;
                    void run('Changing the role', () => membersApi.setRole(props.boardId, m.user_id, role));
                  }}
                >
                  <For each={ROLES}>
                    {(r) => (
                      <option value={r} selected={r === m.role}>
                        {r}
                      </option>
                    )}
                  </For>
                </select>
              </Show>
              <Show when={owner() && m.user_id !== props.userId}>
                <button
                  class="btn danger"
                  onClick={() =>
                    void run('Removing the member', () => membersApi.remove(props.boardId, m.user_id))
                  }
                >
                  Remove
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={owner()}>
        <fieldset class="invite-form">
          <legend>Invite by link</legend>
          <label>
            Role{' '}
            <select
              class="field"
              aria-label="Invite role"
              onChange={(e) => setInviteRole(e.currentTarget.value as BoardRole)}
            >
              <option value="editor">editor</option>
              <option value="viewer">viewer</option>
              <option value="owner">owner</option>
            </select>
          </label>{' '}
          <label>
            Expires in{' '}
            <select
              class="field"
              aria-label="Invite expiry"
              onChange={(e) => setInviteHours(Number(e.currentTarget.value))}
            >
              <For each={EXPIRIES}>
                {(x) => (
                  <option value={x.hours} selected={x.hours === 72}>
                    {x.label}
                  </option>
                )}
              </For>
            </select>
          </label>{' '}
          <button class="btn primary" onClick={() => void createInvite()}>
            Create invite link
          </button>
        </fieldset>
        <ul class="invite-list">
          <For each={invites()}>
            {(inv) => (
              <li data-testid="invite-link">
                <input
                  class="field"
                  readonly
                  value={inv.url}
                  aria-label={`Invite link (${inv.role})`}
                  onFocus={(e) => e.currentTarget.select()}
                />
                <Show when={!inv.revoked} fallback={<span class="muted">revoked</span>}>
                  <button class="btn" onClick={() => void navigator.clipboard?.writeText(inv.url)}>
                    Copy
                  </button>
                  <button
                    class="btn danger"
                    onClick={() =>
                      void run('Revoking the link', async () => {
                        await inviteApi.revoke(inv.id);
                        setInvites((l) => l.map((x) => (x.id === inv.id ? { ...x, revoked: true } : x)));
                      })
                    }
                  >
                    Revoke
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="actions">
        <button class="btn danger" onClick={() => void leave()}>
          Leave board
        </button>
        <button class="btn" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

export default MembersDialog;
