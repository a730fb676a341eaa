import { createEffect, createSignal, lazy, Match, onMount, Show, Suspense, Switch } from 'solid-js';
import { boardsApi } from './api/rest';
import { trackPending } from './collections/connection';
import { useBoardList } from './collections/board-list';
import { preloadBoard } from './collections/preload-board';
import { channelDetail, isOnline, syncState } from './collections/connection';
import { dismissToast, showToast, toasts } from './collections/toasts';
import { describeError } from './api/http';
import { markStarted } from './auth/session';
import { othersHere, setPresenceUser } from './api/presence';
import type { User } from './auth/auth-api';
import { BoardScreen } from './features/board/BoardScreen';
import { NO_FILTER, type CardFilter } from './features/board/filter';
import { RoleContext } from './features/board/role';
import { TopBar } from './features/board/TopBar';
import { LabelFilter } from './features/boards/labels';
import { BOARD_TOOLS_ID } from './features/boards/board-tools';
import { useTitlePart } from './lib/doc-title';
import { formatRoute, navigate, route } from './lib/route';
import { Toasts } from './ui/Toasts';

// Board settings are seldom opened: their code loads after the board (initial JS ≤ 120 kB gzip).
const BoardSettings = lazy(() =>
  import('./features/boards/BoardSettings').then((m) => ({ default: m.BoardSettings })),
);

// Search loads just after the board (its input appears a moment later; Ctrl+K works then).
const SearchBox = lazy(() => import('./features/boards/SearchBox').then((m) => ({ default: m.SearchBox })));

// Dialogs most visits never open: loaded on first use.
const MembersDialog = lazy(() => import('./features/members/MembersDialog'));
const ApiKeysDialog = lazy(() => import('./features/account/ApiKeysDialog'));

export function App(props: { user: User }) {
  onMount(markStarted);
  // eslint-disable-next-line solid/reactivity -- App is keyed by the user
  setPresenceUser(props.user.id);
  // Once, for the address the page opened with (see preload-board.ts).
  if (route().boardId) preloadBoard(route().boardId!);
  const list = useBoardList();
  const boards = list.boards;
  const [filter, setFilter] = createSignal<CardFilter>(NO_FILTER);
  const [dialog, setDialog] = createSignal<'members' | 'api-keys'>();
  // A board just created: its membership row is on its way through the shape.
  const [creating, setCreating] = createSignal<string>();
  const boardId = () => route().boardId ?? boards()[0]?.id;

  // No board in the address yet: show the first one, and put it in the address (replacing the
  // empty entry, so back does not bounce).
  createEffect(() => {
    // Only once every name is in: the first board by name, not the first whose name arrived.
    if (list.ready() && !route().boardId && boards()[0])
      navigate({ boardId: boards()[0]!.id }, { replace: true });
  });
  const current = () => boards().find((b) => b.id === boardId());
  useTitlePart('board', () => current()?.name);

  const createBoard = (name: string) => {
    const id = crypto.randomUUID();
    setCreating(id);
    navigate({ boardId: id });
    void trackPending(boardsApi.create({ id, name })).catch((err: unknown) => {
      setCreating(undefined);
      showToast(`Creating the board failed: ${describeError(err)}`);
    });
  };

  return (
    <div class="app">
      <TopBar
        user={props.user}
        boards={boards()}
        boardId={boardId()}
        role={current()?.role}
        present={othersHere()}
        filter={filter()}
        sync={syncState()}
        syncDetail={channelDetail()}
        onSelect={(id) => navigate({ boardId: id })}
        onCreate={createBoard}
        onFilter={setFilter}
        onMembers={() => setDialog('members')}
        onApiKeys={() => setDialog('api-keys')}
        boardTools={
          <>
            <span id={BOARD_TOOLS_ID} class="board-tools" />
            <SearchBox />
            <Show when={current()} keyed>
              {(b) => (
                <>
                  <LabelFilter
                    boardId={b.id}
                    value={filter().label ?? 'any'}
                    onChange={(label) => setFilter({ ...filter(), label })}
                  />
                  <BoardSettings
                    board={b.row}
                    role={b.role}
                    onDeleted={() => {
                      const next = boards().find((x) => x.id !== b.id);
                      navigate(next ? { boardId: next.id } : {}, { replace: true });
                    }}
                  />
                </>
              )}
            </Show>
          </>
        }
      />
      <Show when={!isOnline()}>
        <div class="banner" role="alert" data-testid="offline-banner">
          You are offline. Changes you see may be out of date; the board reconnects on its own.
        </div>
      </Show>
      <Switch>
        <Match when={list.error()}>
          <p class="state error">The boards could not be loaded.</p>
        </Match>
        <Match when={!list.ready() || (!current() && creating() !== undefined && creating() === boardId())}>
          <p class="state" role="status">
            Loading…
          </p>
        </Match>
        <Match when={!boards().length}>
          <p class="state">No boards yet. Create one with “New board”.</p>
        </Match>
        <Match when={!current()}>
          <p class="state" role="alert" data-testid="unknown-board">
            This board does not exist, was deleted, or is not shared with you.{' '}
            <a href={formatRoute({ boardId: boards()[0]!.id })}>Open “{boards()[0]!.name}”</a>
          </p>
        </Match>
        <Match when={current() && boardId()} keyed>
          {(id) => (
            <RoleContext.Provider value={() => current()?.role}>
              <BoardScreen
                boardId={id}
                taskId={route().taskId}
                filter={filter()}
                userId={props.user.id}
                onOpenTask={(taskId) => navigate({ boardId: id, ...(taskId ? { taskId } : {}) })}
              />
            </RoleContext.Provider>
          )}
        </Match>
      </Switch>
      <Suspense>
        <Show when={dialog() === 'members' && current()}>
          {(b) => (
            <MembersDialog
              boardId={b().id}
              boardName={b().name}
              role={b().role}
              userId={props.user.id}
              onClose={() => setDialog(undefined)}
            />
          )}
        </Show>
        <Show when={dialog() === 'api-keys'}>
          <ApiKeysDialog onClose={() => setDialog(undefined)} />
        </Show>
      </Suspense>
      <Toasts items={toasts()} onDismiss={dismissToast} />
    </div>
  );
}
