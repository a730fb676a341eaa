import { createSignal, For, Show, type JSX } from 'solid-js';
import type { BoardRole, Priority } from '@kanban/shared';
import type { User } from '../../auth/auth-api';
import { signOut } from '../../auth/session';
import { Avatar } from '../../ui/Avatar';
import type { PresentUser } from '../../api/presence';
import { PRIORITIES } from '../../lib/constants';
import { Dialog } from '../../ui/Dialog';
import { ShortcutsHelp } from '../../ui/ShortcutsHelp';
import { SyncPill } from '../../ui/SyncPill';
import type { SyncState } from '../../collections/connection';
import type { CardFilter } from './filter';

export interface TopBarProps {
  user: User;
  /** The user's role on the open board. */
  role: BoardRole | undefined;
  onMembers: () => void;
  /** Others on this board now. */
  present: PresentUser[];
  onApiKeys: () => void;
  boards: { id: string; name: string }[];
  boardId: string | undefined;
  filter: CardFilter;
  sync: SyncState;
  syncDetail?: string;
  onSelect: (id: string) => void;
  onCreate: (name: string) => void;
  onFilter: (f: CardFilter) => void;
  /** Controls of the open board (settings, archive, …), after "New board". */
  boardTools?: JSX.Element;
}

/** Board switcher, new board, search and priority filter, and the sync state. */
export function TopBar(props: TopBarProps) {
  const [creating, setCreating] = createSignal(false);
  let nameInput!: HTMLInputElement;
  let menu!: HTMLDetailsElement;
  return (
    <header class="topbar">
      <h1>Kanban</h1>
      <label class="visually-hidden" for="board-select">
        Board
      </label>
      <select
        id="board-select"
        class="field"
        value={props.boardId ?? ''}
        onChange={(e) => props.onSelect(e.currentTarget.value)}
      >
        {/* `selected` on the option, not only `value` on the select: the value is set before the
            boards arrive, and a select without its option shows the first one (the wrong board). */}
        <For each={props.boards}>
          {(b) => (
            <option value={b.id} selected={b.id === props.boardId}>
              {b.name}
            </option>
          )}
        </For>
      </select>
      <button class="btn" onClick={() => setCreating(true)}>
        New board
      </button>
      {props.boardTools}
      {/* Before the filters, so the tab order from the filters into the board stays as it was. */}
      <ShortcutsHelp />
      <span class="spacer" />
      <input
        class="field"
        type="search"
        placeholder="Filter cards…"
        aria-label="Filter cards by text"
        value={props.filter.text}
        onInput={(e) => props.onFilter({ ...props.filter, text: e.currentTarget.value })}
      />
      <select
        class="field"
        aria-label="Filter by priority"
        value={props.filter.priority}
        onChange={(e) =>
          props.onFilter({ ...props.filter, priority: e.currentTarget.value as Priority | 'any' })
        }
      >
        <option value="any">Any priority</option>
        <For each={PRIORITIES}>{(p) => <option value={p}>{p}</option>}</For>
      </select>
      <label class="check">
        <input
          type="checkbox"
          aria-label="Assigned to me"
          checked={props.filter.assignee === props.user.id}
          onChange={(e) => {
            const { assignee: _, ...rest } = props.filter;
            props.onFilter(e.currentTarget.checked ? { ...rest, assignee: props.user.id } : rest);
          }}
        />{' '}
        Assigned to me
      </label>
      <SyncPill state={props.sync} detail={props.syncDetail} />
      <span class="avatars" data-testid="presence" aria-label="Also on this board">
        <For each={props.present}>
          {(u) => <Avatar name={u.name} color={u.color} title={`${u.name} is on this board`} />}
        </For>
      </span>
      <Show when={props.role}>
        <button class="btn" onClick={() => props.onMembers()}>
          Members
        </button>
      </Show>
      <details class="user-menu" ref={menu}>
        <summary aria-label={`Account: ${props.user.name}`} data-testid="user-menu">
          <Avatar name={props.user.name} color={props.user.color} />
        </summary>
        <div class="menu" role="menu">
          <p class="muted">
            {props.user.name}
            <br />
            {props.user.email}
          </p>
          <button
            class="btn"
            role="menuitem"
            onClick={() => {
              menu.open = false;
              props.onApiKeys();
            }}
          >
            API keys
          </button>
          <button class="btn" role="menuitem" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </details>
      <Dialog open={creating()} title="New board" onClose={() => setCreating(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const name = nameInput.value.trim();
            if (!name) return;
            props.onCreate(name);
            nameInput.value = '';
            setCreating(false);
          }}
        >
          <label>
            Name <input ref={nameInput} class="field" required maxlength="200" aria-label="Board name" />
          </label>
          <div class="actions">
            <button type="button" class="btn" onClick={() => setCreating(false)}>
              Cancel
            </button>
            <button type="submit" class="btn primary">
              Create
            </button>
          </div>
        </form>
      </Dialog>
    </header>
  );
}
