import type { Task } from '@kanban/shared';

/**
 * A whole task row as a client's collection inserts it optimistically (the server fills in
 * position and timestamps of its own; these only have to be valid).
 */
export function taskDraft(row: { id: string; boardId: string; columnId: string; title: string }): Task {
  const now = new Date().toISOString();
  return {
    id: row.id,
    board_id: row.boardId,
    column_id: row.columnId,
    title: row.title,
    description: '',
    position: 'zz',
    priority: 'none',
    model: null,
    agent_status: 'idle',
    agent_status_message: null,
    created_at: now,
    updated_at: now,
  };
}
