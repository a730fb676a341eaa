import { Show } from 'solid-js';
import type { AgentStatus, Priority } from '@kanban/shared';
import { BUSY_STATES, stateLabel } from '../features/agents/status';

export function PriorityBadge(props: { priority: Priority }) {
  return (
    <Show when={props.priority !== 'none'}>
      <span class={`badge p-${props.priority}`} title="Priority">
        {props.priority}
      </span>
    </Show>
  );
}

/**
 * The agent's state on a card. The server marks the task `error` for a failed reply and for an
 * interrupted one alike; an interruption (a restart, a worker gone) is no fault of the request, so
 * it reads calm: "interrupted", with the retry in the chat.
 */
export function AgentBadge(props: {
  /** The full set: idle, queued, thinking, executing, streaming, waiting_for_user, error. */
  status: AgentStatus | (string & {});
  message?: string | null;
  interrupted?: boolean;
}) {
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
        <Show when={BUSY_STATES.has(props.status)}>
          <span class="dot live" aria-hidden="true" />
        </Show>
        {calm() ? 'interrupted' : stateLabel(props.status)}
      </span>
    </Show>
  );
}
