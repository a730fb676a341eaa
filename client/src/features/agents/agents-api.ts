import type { CreateAgentBody, UpdateAgentBody, WriteResult } from '@kanban/shared';
import { request } from '../../api/http';
import type { AgentRow, ModelInfo, ToolCall, Trace } from './types';

// The REST side of the agent contract. The board reads agents and tool calls by REST, refetched
// on socket events, because the board page may not open another live shape (connection budget).

type W<T> = Promise<WriteResult<T>>;
const enc = encodeURIComponent;

export const agentsApi = {
  list: (boardId: string): Promise<{ data: AgentRow[] }> =>
    request('GET', `/api/boards/${enc(boardId)}/agents`),
  create: (boardId: string, body: CreateAgentBody): W<AgentRow> =>
    request('POST', `/api/boards/${enc(boardId)}/agents`, body),
  update: (id: string, body: UpdateAgentBody): W<AgentRow> =>
    request('PATCH', `/api/agents/${enc(id)}`, body),
  remove: (id: string): W<unknown> => request('DELETE', `/api/agents/${enc(id)}`),
};

export const toolCallsApi = {
  list: (taskId: string): Promise<{ data: ToolCall[] }> =>
    request('GET', `/api/tasks/${enc(taskId)}/tool-calls`),
  approve: (id: string, args?: Record<string, unknown>): W<ToolCall> =>
    request('POST', `/api/tool-calls/${enc(id)}/approve`, args ? { arguments: args } : {}),
  deny: (id: string, reason?: string): W<ToolCall> =>
    request('POST', `/api/tool-calls/${enc(id)}/deny`, reason ? { reason } : {}),
};

export const modelsApi = {
  list: (): Promise<{ data: ModelInfo[] }> => request('GET', '/api/models'),
};

export const traceApi = {
  get: (messageId: string): Promise<{ data: Trace }> =>
    request('GET', `/api/messages/${enc(messageId)}/trace`),
};

export interface ColumnHook {
  agentId: string;
  instruction: string;
}
export const hooksApi = {
  set: (columnId: string, hook: ColumnHook | null): W<unknown> =>
    request('PATCH', `/api/columns/${enc(columnId)}`, { hook }),
};
