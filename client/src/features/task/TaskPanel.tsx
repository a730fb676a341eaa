import { createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { Priority } from '@kanban/shared';
import { PRIORITIES } from '../../lib/constants';
import { ConfirmDialog } from '../../ui/Dialog';
import { deleteTask, moveTask, saveTask, updateTask } from '../board/actions';
import { TitleField } from './TitleField';
import type { BoardView } from '../board/use-board';
import { ChatPanel } from '../chat/ChatPanel';
import { DescriptionEditor } from './DescriptionEditor';
import { useTitlePart } from '../../lib/doc-title';
import { LabelPicker } from '../boards/LabelPicker';
import { DueDateField } from '../boards/DueDateField';
import { setArchived } from '../boards/archive';
import { ActivityList } from '../boards/ActivityList';

/** The open task: its fields, delete, and the agent chat. */
export function TaskPanel(props: { board: BoardView; taskId: string; onClose: () => void }) {
  const [confirming, setConfirming] = createSignal(false);
  const task = () => props.board.task(props.taskId);
  const data = () => props.board.data;
  useTitlePart('task', () => task()?.title);
  // Keyboard users land in the panel when it opens (it comes after the whole board in the tab
  // order) and back on the card when it closes.
  let panel: HTMLElement | undefined;
  onMount(() => panel?.focus({ preventScroll: true }));
  // The task's column, remembered while the task exists: after a delete, focus goes there.
  let columnId: string | undefined;
  createEffect(() => {
    columnId = task()?.column_id ?? columnId;
  });
  onCleanup(() => {
    const active = document.activeElement;
    if (active && active !== document.body && !panel?.contains(active)) return;
    const id = props.taskId;
    const col = columnId;
    requestAnimationFrame(() => {
      const cardEl = document.querySelector<HTMLElement>(`[data-task-id="${id}"]`);
      if (cardEl) return cardEl.focus();
      const column = col ? document.querySelector<HTMLElement>(`[data-column-id="${col}"]`) : null;
      if (!column) return;
      column.tabIndex = -1;
      column.focus();
    });
  });
  return (
    <Show
      when={task()}
      fallback={
        <aside class="panel" aria-label="Task">
          <div class="panel-head">
            <p class="state">{props.board.ready() ? 'This task no longer exists.' : 'Loading…'}</p>
            <button class="btn" onClick={() => props.onClose()}>
              Close
            </button>
          </div>
        </aside>
      }
    >
      {(t) => (
        <aside
          ref={panel}
          tabindex="-1"
          class="panel"
          aria-label={`Task ${t().title}`}
          data-testid="task-panel"
          onKeyDown={(e) => e.key === 'Escape' && !confirming() && props.onClose()}
        >
          <div class="panel-head">
            <TitleField
              value={t().title}
              onSave={(title) =>
                saveTask(data(), t().id, { title }, { quiet: true }).then((o) =>
                  o.ok ? undefined : o.reason,
                )
              }
            />
            <button class="btn" aria-label="Close task" onClick={() => props.onClose()}>
              ✕
            </button>
          </div>
          <div class="panel-body">
            <div class="row">
              <label>
                Priority
                <select
                  class="field"
                  value={t().priority}
                  onChange={(e) =>
                    void updateTask(data(), t().id, { priority: e.currentTarget.value as Priority })
                  }
                >
                  <For each={PRIORITIES}>{(p) => <option value={p}>{p}</option>}</For>
                </select>
              </label>
              <label>
                Column
                <select
                  class="field"
                  value={t().column_id}
                  onChange={(e) => {
                    const col = e.currentTarget.value;
                    void moveTask(data(), t().id, col, props.board.tasksIn(col).length);
                  }}
                >
                  <For each={props.board.columns()}>{(c) => <option value={c.id}>{c.name}</option>}</For>
                </select>
              </label>
              <DueDateField task={t()} />
              <span class="spacer" style={{ flex: '1' }} />
              <button
                class="btn"
                onClick={() => {
                  const id = t().id;
                  props.onClose();
                  void setArchived('task', id, true, 'the card');
                }}
              >
                Archive
              </button>
              <button class="btn danger" onClick={() => setConfirming(true)}>
                Delete task
              </button>
            </div>
            <LabelPicker task={t()} />
            <DescriptionEditor
              value={t().description}
              onSave={(description) => void updateTask(data(), t().id, { description })}
            />
            <ActivityList board={props.board} taskId={t().id} />
            <Show when={t().agent_status_message}>
              <p class="muted" role="status">
                Agent: {t().agent_status_message}
              </p>
            </Show>
          </div>
          <ChatPanel board={props.board} taskId={t().id} />
          <ConfirmDialog
            open={confirming()}
            title="Delete this task?"
            message={`“${t().title}” and its chat will be deleted for everyone.`}
            confirmLabel="Delete task"
            onConfirm={() => {
              const id = t().id;
              props.onClose();
              void deleteTask(data(), id);
            }}
            onClose={() => setConfirming(false)}
          />
        </aside>
      )}
    </Show>
  );
}
