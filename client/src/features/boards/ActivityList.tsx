import { createMemo, For, onCleanup, Show } from 'solid-js';
import { createCollection } from '@tanstack/solid-db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { TaskActivity } from '@kanban/shared';
import { shapeOptions } from '../../collections/shape-options';
import { useRows } from '../../collections/use-rows';
import type { BoardView } from '../board/use-board';
import { boardLabels } from './labels';
import { activityText, parseTimestamp } from './activity-text';

// The open task's history, live through the `activity?task=` shape (read-only: the server
// writes every row). The collection lives as long as the panel shows this task.

export function ActivityList(props: { board: BoardView; taskId: string }) {
  // eslint-disable-next-line solid/reactivity -- the panel is keyed by task id
  const id = props.taskId;
  const collection = createCollection(
    electricCollectionOptions<TaskActivity>({
      id: `activity:${id}`,
      shapeOptions: shapeOptions('activity', { task: id }),
      getKey: (a) => a.id,
    }),
  );
  onCleanup(() => void collection.cleanup());
  const rows = useRows(collection);
  const sorted = createMemo(() =>
    [...rows()].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0)),
  );
  const names = {
    column: (c: string) => props.board.allColumns().find((x) => x.id === c)?.name,
    label: (l: string) => boardLabels(props.board.data.boardId).find((x) => x.id === l)?.name,
    member: () => undefined,
  };
  return (
    <details class="activity" data-testid="activity">
      <summary>Activity ({rows().length})</summary>
      <Show when={rows.isReady} fallback={<p class="hint">Loading…</p>}>
        <ol>
          <For each={sorted()}>
            {(a) => (
              <li data-testid="activity-entry" data-kind={a.kind}>
                <span>{activityText(a, names)}</span>{' '}
                <time class="hint" dateTime={a.created_at}>
                  {parseTimestamp(a.created_at).toLocaleString()}
                </time>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </details>
  );
}
