import type { AgentState } from './types';

// The agent's state in words, on the card and in the panel. The task's `agent_status_message`
// (human text from the server: "moving 3 cards…") is shown beside it when there is one.

export const AGENT_STATE_LABEL: Record<AgentState, string> = {
  idle: '',
  queued: 'queued',
  thinking: 'thinking…',
  executing: 'working on the board…',
  streaming: 'streaming',
  waiting_for_user: 'waiting for approval',
  error: 'agent error',
};

/** States with work in progress (a live dot). */
export const BUSY_STATES: ReadonlySet<string> = new Set(['thinking', 'executing', 'streaming']);

export function stateLabel(status: string): string {
  return AGENT_STATE_LABEL[status as AgentState] ?? status;
}

/** Reply statuses that are still open (the contract adds executing and waiting_for_user). */
export const OPEN_REPLY_STATUSES: ReadonlySet<string> = new Set([
  'queued',
  'streaming',
  'executing',
  'waiting_for_user',
]);
