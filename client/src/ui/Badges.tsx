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
  executing: 'working…',
  streaming: 'streaming',
  waiting_for_user: 'needs approval',
  error: 'agent error',
};

/**
 * The agent's state on a card. The server marks the task `error` for a failed reply and for an
 * interrupted one alike; an interruption (a restart, a worker gone) is no fault of the request, so
 * it reads calm: "interrupted", with the retry in the chat.
 */
export function AgentBadge(props: { status: AgentStatus; message?: string | null; interrupted?: boolean }) {
  const calm = () => props.status === 'error' && props.interrupted;
  return (
    <Show when={props.status !== 'idle'}>
      <span
        class={`badge a-${calm() ? 'interrupted' : props.status}`}
        title={
          calm()
            ? 'The reply was interrupted; open the task to retry'
            : (props.message ?? `Agent ${props.status}`)
        }
        data-testid="agent-status"
        data-state={calm() ? 'interrupted' : props.status}
      >
        <Show when={props.status === 'streaming' || props.status === 'thinking'}>
          <span class="dot live" aria-hidden="true" />
        </Show>
        {calm() ? 'interrupted' : AGENT_LABEL[props.status]}
      </span>
    </Show>
  );
}
