import { createMemo, createResource, For, Show } from 'solid-js';
import type { TaskActivity } from '@kanban/shared';
import { request } from '../../api/http';
import type { BoardView } from '../board/use-board';
import { boardLabels } from './labels';
import { activityText, parseTimestamp } from './activity-text';

// The open task's history over REST (`GET /api/tasks/:id/activity`), read again whenever the
// task's row changes (every entry is written in the same transaction as a change to the task, or
// beside its agent status). Not a live shape: the board already holds five live requests
// (members, columns, tasks, labels, and the open task's chat), and a sixth would take the browser's last HTTP/1.1
// connection to this origin, so REST writes from the panel would wait behind it.

export function ActivityList(props: { board: BoardView; taskId: string }) {
  const version = createMemo(() => {
    const t = props.board.task(props.taskId);
    return t
      ? `${props.taskId}|${String(t.updated_at)}|${t.agent_status}|${t.column_id}|${t.position}`
      : props.taskId;
  });
  const [data] = createResource(version, (v) =>
    request<{ data: TaskActivity[] }>(
      'GET',
      `/api/tasks/${encodeURIComponent(v.split('|')[0]!)}/activity`,
    ).then((r) => r.data),
  );
  const rows = () => data.latest ?? [];
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
      <Show when={data.latest !== undefined} fallback={<p class="hint">Loading…</p>}>
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
