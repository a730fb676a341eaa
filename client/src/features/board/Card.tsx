import { Show } from 'solid-js';
import { createSortable, transformStyle } from '@thisbeyond/solid-dnd';
import { AgentBadge, PriorityBadge } from '../../ui/Badges';
import { CardLabels } from '../boards/labels';
import { DueChip } from '../boards/DueDate';
import { ChatIcon } from '../../ui/Icons';
import type { TaskRow } from '../../collections/types';
import type { TaskStats } from './use-board';

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
        <Show when={props.unread}>
          <span class="dot" title="Unread reply" data-testid="unread" />
          <span class="visually-hidden">unread reply</span>
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
  const sortable = createSortable(props.task.id, { type: 'card', columnId: props.task.column_id });
  return (
    <li
      ref={(el) => sortable(el)}
      class="card"
      classList={{ dragging: sortable.isActiveDraggable, open: props.open }}
      aria-current={props.open ? 'true' : undefined}
      style={transformStyle(sortable.transform)}
      tabindex="0"
      role="button"
      aria-label={`${props.task.title}. Press Enter to open, Alt+Arrow keys to move.`}
      data-task-id={props.task.id}
      onClick={() => props.onOpen()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          props.onOpen();
        } else if (e.altKey && e.key.startsWith('Arrow')) {
          e.preventDefault();
          props.onMoveKey(e.key);
        }
      }}
    >
      <CardBody task={props.task} stats={props.stats} unread={props.unread} />
    </li>
  );
}
