import { createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { descriptionETag, type Priority } from '@kanban/shared';
import { PRIORITIES } from '../../lib/constants';
import { ConfirmDialog } from '../../ui/Dialog';
import {
  deleteTask,
  moveTask,
  saveTask,
  setAssignees,
  setTaskAgent,
  setTaskModel,
  updateTask,
} from '../board/actions';
import { AssigneePicker } from './AssigneePicker';
import { TitleField } from './TitleField';
import type { BoardView } from '../board/use-board';
import { ChatPanel } from '../chat/ChatPanel';
import { DescriptionEditor } from './DescriptionEditor';
import { useTitlePart } from '../../lib/doc-title';
import { Markdown } from '../../ui/Markdown';
import { useCanWrite } from '../board/role';
import { LabelPicker } from '../boards/LabelPicker';
import { DueDateField } from '../boards/DueDateField';
import { setArchived } from '../boards/archive';
import { ActivityList } from '../boards/ActivityList';
import { AgentPicker } from '../agents/AgentPicker';
import { ModelPicker } from '../agents/ModelPicker';
import { boardAgents } from '../agents/agents-store';
import { AgentBadge } from '../../ui/Badges';
import { taskUsage } from '../agents/task-usage';
import { formatCost, formatTokens } from '../agents/cost';

/** The open task: its fields, delete, and the agent chat. */
export function TaskPanel(props: { board: BoardView; taskId: string; onClose: () => void }) {
  const [confirming, setConfirming] = createSignal(false);
  // Viewers read the task and its chat; every control that writes is left out or disabled.
  const canWrite = useCanWrite();
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
            <Show when={canWrite()} fallback={<h2 class="panel-title">{t().title}</h2>}>
              <TitleField
                value={t().title}
                updatedBy={t().updated_by}
                boardId={props.board.data.boardId}
                onSave={(title) =>
                  saveTask(data(), t().id, { title }, { quiet: true }).then((o) =>
                    o.ok ? undefined : o.reason,
                  )
                }
              />
            </Show>
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
                  disabled={!canWrite()}
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
                  disabled={!canWrite()}
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
              <Show when={canWrite()}>
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
              </Show>
            </div>
            <div class="row agent-row">
              <label title="Choosing an agent delegates the task to it: it starts working on the task">
                Agent
                <AgentPicker
                  agents={boardAgents(t().board_id)}
                  value={t().agent_id}
                  disabled={!canWrite()}
                  onChange={(id) => void setTaskAgent(data(), t().id, id)}
                />
              </label>
              <label>
                Model
                <ModelPicker
                  label="Model"
                  value={t().model}
                  defaultLabel="Agent's or board's default"
                  disabled={!canWrite()}
                  onChange={(model) => void setTaskModel(data(), t().id, model)}
                />
              </label>
              <span
                class="task-usage muted"
                data-testid="task-usage"
                title="Tokens and cost of this task's replies"
              >
                {formatTokens(taskUsage(t(), []).tokens)} tokens · {formatCost(taskUsage(t(), []).costUsd)}
              </span>
            </div>
            <AssigneePicker
              boardId={t().board_id}
              value={t().assignee_ids ?? []}
              readOnly={!canWrite()}
              onChange={(ids) => void setAssignees(data(), t().id, ids)}
            />
            <LabelPicker task={t()} />
            <Show
              when={canWrite()}
              fallback={
                <Show when={t().description} fallback={<p class="muted">No description.</p>}>
                  <Markdown text={t().description} class="description" />
                </Show>
              }
            >
              <DescriptionEditor
                value={t().description}
                updatedBy={t().updated_by}
                boardId={props.board.data.boardId}
                onSave={(description, base) =>
                  saveTask(
                    data(),
                    t().id,
                    { description },
                    { quiet: true, ifDescription: descriptionETag(base) },
                  )
                }
              />
            </Show>
            <ActivityList board={props.board} taskId={t().id} />
            <Show when={t().agent_status !== 'idle' || t().agent_status_message}>
              <p class="muted agent-state" role="status" data-testid="panel-agent-status">
                Agent: <AgentBadge status={t().agent_status} message={t().agent_status_message} />
                <Show when={t().agent_status_message}> {t().agent_status_message}</Show>
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
