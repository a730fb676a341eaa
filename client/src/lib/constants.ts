import type { AgentStatus, MessageStatus, Priority } from '@kanban/shared';

// Value copies of shared enums. Importing values from @kanban/shared would pull zod into the
// bundle (its schemas are built at module load); types come from there, and the `satisfies`
// checks keep these lists in step with the shared ones.
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const satisfies readonly Priority[];
export const AGENT_STATUSES = [
  'idle',
  'queued',
  'thinking',
  'executing',
  'streaming',
  'waiting_for_user',
  'error',
] as const satisfies readonly AgentStatus[];
export const TERMINAL_STATUSES: readonly MessageStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'interrupted',
];

// The reverse direction: every shared value must be listed here.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
export const _prioritiesComplete: Missing<Priority, (typeof PRIORITIES)[number]> = true;
export const _agentComplete: Missing<AgentStatus, (typeof AGENT_STATUSES)[number]> = true;
