import { createEffect, Match, Show, Switch } from 'solid-js';
import { boardData } from '../../collections/board-data';
import { TaskPanel } from '../task/TaskPanel';
import { BoardView } from './BoardView';
import type { CardFilter } from './filter';
import { useBoard } from './use-board';

/** One board: its columns and cards, and the open task beside them. */
export function BoardScreen(props: {
  boardId: string;
  taskId: string | undefined;
  filter: CardFilter;
  onOpenTask: (id: string | undefined) => void;
}) {
  // eslint-disable-next-line solid/reactivity -- the screen is keyed by board id
  const board = useBoard(boardData(props.boardId));
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
        {(id) => <TaskPanel board={board} taskId={id} onClose={() => props.onOpenTask(undefined)} />}
      </Show>
    </div>
  );
}
