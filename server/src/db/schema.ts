import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AgentStatus, BoardSettings, MessageStatus, Priority, ToolCallStatus } from '@kanban/shared';

// Kysely's view of the tables in migrations/. Timestamps come back as Date from pg.
type Timestamps = {
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, never>;
};

export interface BoardsTable extends Timestamps {
  id: Generated<string>;
  name: string;
  settings: ColumnType<BoardSettings, string | undefined, string>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ColumnsTable extends Timestamps {
  id: Generated<string>;
  board_id: string;
  name: string;
  position: string;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  // added by migrations/0022_archive.sql
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  // added by migrations/0035_agent_routing.sql: the column's hook
  hook_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  hook_instruction: ColumnType<string | null, string | null | undefined, string | null>;
  // added by migrations/0095_column_card_count.sql: its non-archived cards (kept by a trigger)
  card_count: ColumnType<number, never, never>;
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
  // added by migrations/0005_board_members.sql
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  assignee_ids: ColumnType<string[], string[] | undefined, string[]>;
  // added by migrations/0020_labels.sql
  label_ids: ColumnType<string[], string[] | undefined, string[]>;
  // added by migrations/0021_due_dates.sql; YYYY-MM-DD (pg's date parser is set to text)
  due_date: ColumnType<string | null, string | null | undefined, string | null>;
  // added by migrations/0022_archive.sql
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  // added by migrations/0010_agents.sql
  agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  parent_id: ColumnType<string | null, string | null | undefined, string | null>;
  // added by migrations/0040_usage_budgets.sql (numeric and bigint come back as strings)
  cost_usd: ColumnType<string, never, never>;
  tokens_total: ColumnType<string, never, never>;
  // added by migrations/0090_task_chat_summary.sql, kept by triggers on messages (never written here)
  chat_count: ColumnType<number, never, never>;
  chat_streaming: ColumnType<boolean, never, never>;
  chat_last_reply_seq: ColumnType<string | null, never, never>;
  chat_last_reply_status: ColumnType<string | null, never, never>;
  chat_last_done_seq: ColumnType<string, never, never>;
  chat_open_replies: ColumnType<number, never, never>;
  chat_open_agent_id: ColumnType<string | null, never, never>;
}

export type TaskActivityKind =
  | 'created'
  | 'moved'
  | 'edited'
  | 'assigned'
  | 'labelled'
  | 'due'
  | 'archived'
  | 'restored'
  | 'asked'
  | 'agent-replied';

/** A task's history (migrations/0023). */
export interface TaskActivityTable {
  id: Generated<string>;
  task_id: string;
  actor_id: string | null;
  actor_name: string | null;
  kind: TaskActivityKind;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: ColumnType<Date, never, never>;
}

/** Per-board labels (migrations/0020). */
export interface LabelsTable extends Timestamps {
  id: Generated<string>;
  board_id: string;
  name: string;
  color: string;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AgentsTable extends Timestamps {
  id: Generated<string>;
  board_id: string;
  handle: string;
  name: string;
  model: string | null;
  system_prompt: Generated<string>;
  tools: ColumnType<Record<string, 'auto' | 'ask'>, string | undefined, string>;
  temperature: number | null;
  max_rounds: Generated<number>;
  color: Generated<string>;
  is_default: Generated<boolean>;
}

export interface MessagesTable extends Timestamps {
  id: Generated<string>;
  task_id: string;
  board_id: ColumnType<string, string | undefined, string>;
  seq: ColumnType<string, never, never>;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: Generated<string>;
  status: Generated<MessageStatus>;
  model: string | null;
  usage: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  error: string | null;
  // added by migrations/0003_agent_runs.sql
  parent_id: ColumnType<string | null, string | null | undefined, string | null>;
  cancel_requested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  first_token_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  // added by migrations/0005_board_members.sql
  author_id: ColumnType<string | null, string | null | undefined, string | null>;
  author_name: ColumnType<string | null, string | null | undefined, string | null>;
  // added by migrations/0010_agents.sql: the agent that wrote an assistant message
  agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  // added by migrations/0040_usage_budgets.sql: the reply's model calls summed
  tokens_in: ColumnType<number | null, never, never>;
  tokens_out: ColumnType<number | null, never, never>;
  cost_usd: ColumnType<string | null, never, never>;
  // added by migrations/0035_agent_routing.sql: agent-to-agent steps that led to this reply
  handoff_depth: ColumnType<number, number | undefined, number>;
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
  // added by migrations/0040_usage_budgets.sql
  fallback: Generated<boolean>;
}

/** A board's spend per calendar month, UTC (migrations/0040). */
export interface BoardSpendTable {
  board_id: string;
  month: string;
  cost_usd: ColumnType<string, string | undefined, string>;
  tokens: ColumnType<string, string | undefined, string>;
  calls: Generated<number>;
}

/** Who may see and change a board (migrations/0005). */
export interface BoardMembersTable {
  board_id: string;
  user_id: string;
  role: 'owner' | 'editor' | 'viewer';
  user_name: Generated<string>;
  user_color: Generated<string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, never>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: ColumnType<Date, never, never>;
  last_used_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface InvitesTable {
  id: Generated<string>;
  board_id: string;
  role: 'owner' | 'editor' | 'viewer';
  token_hash: string;
  created_by: string | null;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: ColumnType<Date | null, never, Date | string | null>;
  created_at: ColumnType<Date, never, never>;
}

/** better-auth's user table (migrations/0004), read for names; better-auth writes it. */
export interface UserTable {
  id: string;
  name: string;
  email: string;
  color: string | null;
  isAdmin: Generated<boolean>;
}

/** better-auth's session table (migrations/0004), read for a socket's expiry; better-auth writes it. */
export interface SessionTable {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** One tool call of an agent reply (migrations/0030). */
export interface ToolCallsTable {
  id: Generated<string>;
  board_id: string;
  task_id: string;
  message_id: string;
  agent_id: string | null;
  call_id: string;
  round: number;
  name: string;
  arguments: ColumnType<Record<string, unknown>, string, string>;
  status: ToolCallStatus;
  result_summary: string | null;
  error: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  deny_reason: string | null;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, never, never>;
}

export interface Database {
  tool_calls: ToolCallsTable;
  board_members: BoardMembersTable;
  session: SessionTable;
  api_keys: ApiKeysTable;
  invites: InvitesTable;
  user: UserTable;
  boards: BoardsTable;
  columns: ColumnsTable;
  tasks: TasksTable;
  messages: MessagesTable;
  labels: LabelsTable;
  task_activity: TaskActivityTable;
  agent_runs: AgentRunsTable;
  board_spend: BoardSpendTable;
  agents: AgentsTable;
}

export type BoardRow = Selectable<BoardsTable>;
export type ColumnRow = Selectable<ColumnsTable>;
export type TaskRow = Selectable<TasksTable>;
export type LabelRow = Selectable<LabelsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type AgentRunRow = Selectable<AgentRunsTable>;
export type AgentRow = Selectable<AgentsTable>;
export type ToolCallRow = Selectable<ToolCallsTable>;
