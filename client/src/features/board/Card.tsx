import { For, Show } from 'solid-js';
import { AgentBadge, PriorityBadge } from '../../ui/Badges';
import { CardLabels } from '../boards/labels';
import { DueChip } from '../boards/DueDate';
import { ChatIcon } from '../../ui/Icons';
import type { TaskRow } from '../../collections/types';
import type { TaskStats } from './use-board';
import { createCardDnd, useDropMarks } from './card-dnd';
import { useCanWrite } from './role';
import { othersOnTask } from '../../api/presence';
import { Avatar } from '../../ui/Avatar';
import { memberOf } from '../../collections/board-members';
import { agentFlash } from '../agents/agent-flash';

export interface CardProps {
  task: TaskRow;
  stats: TaskStats | undefined;
  unread: boolean;
  /** This card's task is the one open in the panel. */
  open: boolean;
  onOpen: () => void;
  /** Alt+Arrow keyboard move; returns nothing, the board decides where. */
  onMoveKey: (key: string) => void;
}

export function CardBody(props: { task: TaskRow; stats: TaskStats | undefined; unread: boolean }) {
  return (
    <>
      <div class="card-title" data-testid="card-title" title={props.task.title}>
        {props.task.title}
      </div>
      <div class="card-meta">
        <CardLabels task={props.task} />
        <DueChip due={props.task.due_date} />
        <PriorityBadge priority={props.task.priority} />
        <AgentBadge
          status={props.task.agent_status}
          message={props.task.agent_status_message}
          interrupted={props.stats?.lastReply?.status === 'interrupted'}
        />
        <Show when={props.stats?.streaming && props.task.agent_status !== 'streaming'}>
          <span class="dot live" title="Reply streaming" />
        </Show>
        <Show when={props.task.id && agentFlash(props.task.id)}>
          {(note) => (
            <span class="agent-changed" role="status" data-testid="agent-changed">
              {note()}
            </span>
          )}
        </Show>
        <Show when={props.unread}>
          <span class="dot" title="Unread reply" data-testid="unread" />
          <span class="visually-hidden">unread reply</span>
        </Show>
        <Show when={props.task.assignee_ids?.length}>
          <span class="avatars assignees" data-testid="card-assignees">
            <For each={props.task.assignee_ids ?? []}>
              {(id) => {
                const name = () => memberOf(props.task.board_id, id)?.user_name ?? 'A member';
                return (
                  <Avatar
                    name={name()}
                    color={memberOf(props.task.board_id, id)?.user_color}
                    small
                    title={`Assigned to ${name()}`}
                  />
                );
              }}
            </For>
          </span>
        </Show>
        <Show when={props.task.id && othersOnTask(props.task.id).length}>
          <span class="avatars viewers" data-testid="card-viewers">
            <For each={othersOnTask(props.task.id)}>
              {(u) => <Avatar name={u.name} color={u.color} small title={`${u.name} has this task open`} />}
            </For>
          </span>
        </Show>
        <Show when={(props.stats?.count ?? 0) > 0}>
          <span class="count-chip" title={`${props.stats?.count} messages`} data-testid="message-count">
            <ChatIcon /> {props.stats?.count}
          </span>
        </Show>
      </div>
    </>
  );
}

/** A card on the board: draggable, focusable, Enter opens it, Alt+Arrows move it. */
export function Card(props: CardProps) {
  // eslint-disable-next-line solid/reactivity -- the id and column of a mounted card are fixed for its lifetime (keyed by id)
  const dnd = createCardDnd(props.task.id, props.task.column_id);
  const marks = useDropMarks();
  // A viewer's cards open but do not drag or move.
  const canWrite = useCanWrite();
  return (
    <li
      ref={(el) => canWrite() && dnd.ref(el)}
      class="card"
      classList={{
        dragging: dnd.isActiveDraggable(),
        open: props.open,
        'drop-before': marks.card(props.task.id) === 'before',
        'drop-after': marks.card(props.task.id) === 'after',
      }}
      aria-current={props.open ? 'true' : undefined}
      tabindex="0"
      role="button"
      aria-label={`${props.task.title}. Press Enter to open${canWrite() ? ', Alt+Arrow keys to move' : ''}.`}
      data-task-id={props.task.id}
      onClick={() => props.onOpen()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          props.onOpen();
        } else if (canWrite() && e.altKey && e.key.startsWith('Arrow')) {
          e.preventDefault();
          props.onMoveKey(e.key);
        }
      }}
    >
      <CardBody task={props.task} stats={props.stats} unread={props.unread} />
    </li>
  );
}
