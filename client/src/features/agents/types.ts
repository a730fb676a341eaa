import type { Agent } from '@kanban/shared';

// The agent contract's rows as the client reads them (/work/briefs/agents-contract.md). They are
// declared here rather than imported because the client takes only types from @kanban/shared and
// these arrive there with the server branches; the shapes are the contract's, field for field.

export type AgentRow = Agent;

export const TOOL_CALL_STATUSES = ['running', 'succeeded', 'failed', 'denied', 'waiting'] as const;
export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];

export interface ToolCall {
  id: string;
  board_id: string;
  task_id: string;
  /** The assistant reply the call belongs to. */
  message_id: string;
  agent_id: string | null;
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  status: ToolCallStatus;
  result_summary: string | null;
  error: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  deny_reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
}

export interface ModelInfo {
  id: string;
  label: string;
  provider: string;
  priceIn: number;
  priceOut: number;
  demo: boolean;
}

export interface TraceStep {
  kind: 'model' | 'tool';
  name: string;
  model?: string;
  startedAt: string;
  finishedAt: string | null;
  ms: number | null;
  ttftMs?: number | null;
  tokensIn?: number | null;
  tokensOut?: number | null;
  costUsd?: number | string | null;
  status: string;
  error?: string | null;
  fallback?: boolean;
}

export interface Trace {
  messageId: string;
  steps: TraceStep[];
  totals: {
    tokensIn: number;
    tokensOut: number;
    costUsd: number | string;
    rounds: number;
    toolCalls: number;
    fallbacks: number;
    ms: number | null;
  };
}

/** Every agent state a task or reply can be in (the contract's full set). */
export const AGENT_STATES = [
  'idle',
  'queued',
  'thinking',
  'executing',
  'streaming',
  'waiting_for_user',
  'error',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];
