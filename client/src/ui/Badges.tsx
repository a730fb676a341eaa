import { Show } from 'solid-js';
import type { AgentStatus, Priority } from '@kanban/shared';

export function PriorityBadge(props: { priority: Priority }) {
  return (
    <Show when={props.priority !== 'none'}>
      <span class={`badge p-${props.priority}`} title="Priority">
        {props.priority}
      </span>
    </Show>
  );
}

const AGENT_LABEL: Record<AgentStatus, string> = {
  idle: '',
  queued: 'queued',
  thinking: 'thinking…',
  streaming: 'streaming',
  error: 'agent error',
};

export function AgentBadge(props: { status: AgentStatus; message?: string | null }) {
  return (
    <Show when={props.status !== 'idle'}>
      <span
        class={`badge a-${props.status}`}
        title={props.message ?? `Agent ${props.status}`}
        data-testid="agent-status"
      >
        <Show when={props.status === 'streaming' || props.status === 'thinking'}>
          <span class="dot live" aria-hidden="true" />
        </Show>
        {AGENT_LABEL[props.status]}
      </span>
    </Show>
  );
}
