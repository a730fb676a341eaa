import { createEffect, createSignal, lazy, Match, Show, Switch } from 'solid-js';
import { boardsCollection } from './collections/boards';
import { commit } from './collections/commit';
import { useRows } from './collections/use-rows';
import { channelDetail, isOnline, syncState } from './collections/connection';
import { dismissToast, toasts } from './collections/toasts';
import { BoardScreen } from './features/board/BoardScreen';
import { NO_FILTER, type CardFilter } from './features/board/filter';
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

export function App() {
  const boardsQ = useRows(boardsCollection());
  const boards = () => [...boardsQ()].sort((a, b) => a.name.localeCompare(b.name));
  const [filter, setFilter] = createSignal<CardFilter>(NO_FILTER);
  const boardId = () => route().boardId ?? boards()[0]?.id;

  // No board in the address yet: show the first one, and put it in the address (replacing the
  // empty entry, so back does not bounce).
  createEffect(() => {
    if (!route().boardId && boards()[0]) navigate({ boardId: boards()[0]!.id }, { replace: true });
  });
  const current = () => boards().find((b) => b.id === boardId());
  useTitlePart('board', () => current()?.name);

  const createBoard = (name: string) => {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    void commit(
      boardsCollection().insert({ id, name, settings: {}, created_at: now, updated_at: now }),
      'Creating the board',
    );
    navigate({ boardId: id });
  };

  return (
    <div class="app">
      <TopBar
        boards={boards()}
        boardId={boardId()}
        filter={filter()}
        sync={syncState()}
        syncDetail={channelDetail()}
        onSelect={(id) => navigate({ boardId: id })}
        onCreate={createBoard}
        onFilter={setFilter}
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
                    board={b}
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
        <Match when={boardsQ.isError}>
          <p class="state error">The boards could not be loaded.</p>
        </Match>
        <Match when={!boardsQ.isReady}>
          <p class="state" role="status">
            Loading…
          </p>
        </Match>
        <Match when={!boards().length}>
          <p class="state">No boards yet. Create one with “New board”.</p>
        </Match>
        <Match when={!current()}>
          <p class="state" role="alert" data-testid="unknown-board">
            This board does not exist or was deleted.{' '}
            <a href={formatRoute({ boardId: boards()[0]!.id })}>Open “{boards()[0]!.name}”</a>
          </p>
        </Match>
        <Match when={boardId()} keyed>
          {(id) => (
            <BoardScreen
              boardId={id}
              taskId={route().taskId}
              filter={filter()}
              onOpenTask={(taskId) => navigate({ boardId: id, ...(taskId ? { taskId } : {}) })}
            />
          )}
        </Match>
      </Switch>
      <Toasts items={toasts()} onDismiss={dismissToast} />
    </div>
  );
}
