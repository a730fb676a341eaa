import { createEffect, createSignal, lazy, Match, onCleanup, Show, Suspense, Switch } from 'solid-js';
import { announceOpenTask, joinBoard } from '../../api/presence';
import { loadBoardMembers } from '../../collections/board-members';
import { Portal } from 'solid-js/web';
import { BOARD_TOOLS_ID } from '../boards/board-tools';
import { boardData, type BoardData } from '../../collections/board-data';
import { BoardView } from './BoardView';
import type { CardFilter } from './filter';
import { useBoard, type BoardView as Board } from './use-board';
import { boardAgents, setBoardColumns, watchAgents } from '../agents/agents-store';
import { watchAgentChanges } from '../agents/agent-changes';

// The task panel (chat, markdown, DOMPurify) is most of the JavaScript and is not needed to see
// the board: it loads when a task opens, so the first load stays small.
const TaskPanel = lazy(() => import('../task/TaskPanel').then((m) => ({ default: m.TaskPanel })));
// The Archived view loads after the board, like the panel (initial JS ≤ 120 kB gzip).
const ArchivedView = lazy(() => import('../boards/ArchivedView').then((m) => ({ default: m.ArchivedView })));
/** Starts loading the panel ahead of the first open (on hover or focus of a card). */
export const preloadTaskPanel = () => void TaskPanel.preload();

interface BoardScreenProps {
  boardId: string;
  taskId: string | undefined;
  filter: CardFilter;
  /** The signed-in user (the "assigned to me" filter). */
  userId: string;
  onOpenTask: (id: string | undefined) => void;
}

/** One board: its columns and cards, and the open task beside them. */
export function BoardScreen(props: BoardScreenProps) {
  // The cards' collection is made once the board's load plan is known (eager or on demand).
  // A signal, not a resource: a pending resource would suspend the app-wide <Suspense> and swap
  // the whole page (search box included) for its fallback.
  const [data, setData] = createSignal<BoardData>();
  // eslint-disable-next-line solid/reactivity -- the screen is keyed by board id
  void boardData(props.boardId).loaded.then(setData);
  // Looked up (and portalled into) as the screen mounts, as before the load plan: the loaded
  // board hands its view over when it has one.
  const [view, setView] = createSignal<Board>();
  const tools = document.getElementById(BOARD_TOOLS_ID);
  return (
    <>
      <Show when={tools}>
        {(el) => (
          <Portal mount={el()}>
            <Show when={view()}>{(v) => <ArchivedView board={v()} />}</Show>
          </Portal>
        )}
      </Show>
      <Show
        when={data()}
        fallback={
          <div class="main">
            <p class="state" role="status">
              Loading board…
            </p>
          </div>
        }
      >
        {(d) => <LoadedBoard {...props} data={d()} onView={setView} />}
      </Show>
    </>
  );
}

function LoadedBoard(props: BoardScreenProps & { data: BoardData; onView: (v?: Board) => void }) {
  // eslint-disable-next-line solid/reactivity -- the screen is keyed by board id
  const board = useBoard(props.data);
  // eslint-disable-next-line solid/reactivity -- once, as the board mounts
  props.onView(board);
  onCleanup(() => props.onView(undefined));
  // Others see who is on the board and which task each has open.
  // eslint-disable-next-line solid/reactivity -- the screen is keyed by board id
  const boardId = props.boardId;
  onCleanup(joinBoard(boardId));
  void loadBoardMembers(boardId);
  // The board's agents by REST, refetched on agents.changed (no live shape: connection budget).
  onCleanup(watchAgents(boardId));
  // "Planner changed this" on cards.
  watchAgentChanges({
    ready: () => board.ready(),
    tasks: () => board.tasks(),
    openReplies: () => board.openReplies(),
    agents: () => boardAgents(boardId),
  });
  // The settings dialog's column hooks read the open board's columns from here.
  onCleanup(setBoardColumns(boardId, () => board.columns()));
  createEffect(() => announceOpenTask(props.taskId ?? null));
  // The panel narrows the board: keep the open card in view beside it.
  createEffect(() => {
    const id = props.taskId;
    if (id && board.ready())
      requestAnimationFrame(() =>
        document
          .querySelector(`[data-task-id="${id}"]`)
          ?.scrollIntoView({ block: 'nearest', inline: 'nearest' }),
      );
  });
  return (
    <div class="main">
      <Switch>
        <Match when={board.error()}>
          <p class="state error" role="alert">
            This board could not be loaded. It will retry on its own.
          </p>
        </Match>
        <Match when={!board.ready()}>
          <p class="state" role="status">
            Loading board…
          </p>
        </Match>
        <Match when={!board.columns().length}>
          <div class="board">
            <p class="state">This board has no columns yet. Add one to get started.</p>
          </div>
        </Match>
        <Match when={true}>
          <BoardView
            board={board}
            filter={props.filter}
            openTaskId={props.taskId}
            onOpen={(id) => props.onOpenTask(id)}
          />
        </Match>
      </Switch>
      <Show when={props.taskId} keyed>
        {(id) => (
          <Suspense
            fallback={
              <aside class="panel" aria-label="Task" aria-busy="true">
                <p class="state" role="status">
                  Loading…
                </p>
              </aside>
            }
          >
            <TaskPanel board={board} taskId={id} onClose={() => props.onOpenTask(undefined)} />
          </Suspense>
        )}
      </Show>
    </div>
  );
}
