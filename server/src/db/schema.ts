import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AgentStatus, BoardSettings, Priority } from '@kanban/shared';

// Kysely's view of the tables in migrations/. Timestamps come back as Date from pg.
type Timestamps = {
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, never>;
};

export interface BoardsTable extends Timestamps {
  id: Generated<string>;
  name: string;
  settings: ColumnType<BoardSettings, string | undefined, string>;
}

export interface ColumnsTable extends Timestamps {
  id: Generated<string>;
  board_id: string;
  name: string;
  position: string;
}

export interface TasksTable extends Timestamps {
  id: Generated<string>;
  board_id: string;
  column_id: string;
  title: string;
  description: Generated<string>;
  position: string;
  priority: Generated<Priority>;
  model: string | null;
  agent_status: Generated<AgentStatus>;
  agent_status_message: string | null;
}

export interface MessagesTable extends Timestamps {
  id: Generated<string>;
  task_id: string;
  board_id: ColumnType<string, string | undefined, string>;
  seq: ColumnType<string, never, never>;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: Generated<string>;
  status: Generated<'queued' | 'streaming' | 'completed' | 'failed' | 'cancelled' | 'interrupted'>;
  model: string | null;
  usage: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  error: string | null;
  // added by migrations/0003_agent_runs.sql
  parent_id: ColumnType<string | null, string | null | undefined, string | null>;
  cancel_requested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  first_token_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One model call (attempt) of an assistant reply: what observability and budgets read. */
export interface AgentRunsTable {
  id: Generated<string>;
  message_id: string;
  task_id: string;
  provider: string;
  model: string;
  attempt: number;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  first_token_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_estimate: ColumnType<string | null, number | null | undefined, number | null>;
  error_class: string | null;
  error: string | null;
}

export interface Database {
  boards: BoardsTable;
  columns: ColumnsTable;
  tasks: TasksTable;
  messages: MessagesTable;
  agent_runs: AgentRunsTable;
}

export type BoardRow = Selectable<BoardsTable>;
export type ColumnRow = Selectable<ColumnsTable>;
export type TaskRow = Selectable<TasksTable>;
export type MessageRow = Selectable<MessagesTable>;
export type AgentRunRow = Selectable<AgentRunsTable>;
