import type { Agent, AgentStatus } from '@kanban/shared';

// The agent contract's rows as the client reads them (docs/agents.md, shared/src/schemas:
// tool-call.ts, usage.ts). Types only: the client does not bundle zod.

export type { ModelInfo, ToolCall, ToolCallStatus, Trace, TraceStep } from '@kanban/shared';
export type AgentRow = Agent;
/** Every agent state a task can be in (idle … waiting_for_user, error). */
export type AgentState = AgentStatus;
