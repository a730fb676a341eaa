import type { ToolCall } from '@kanban/shared';
import type { ToolCallRow } from '../db/schema';

// A tool_calls row as REST answers it and the `tool.call` socket event carries it (timestamps as
// ISO strings, as res.json() writes them).

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toolCallJson(row: ToolCallRow): ToolCall {
  return {
    ...row,
    arguments: row.arguments,
    decided_at: iso(row.decided_at),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    created_at: row.created_at.toISOString(),
  };
}
