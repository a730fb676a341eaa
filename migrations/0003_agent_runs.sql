-- The agent chat pipeline: reply bookkeeping on messages, one row per model call, and the
-- table @socket.io/postgres-adapter uses for packets too big for a NOTIFY payload.
-- pg-boss installs its own schema (pgboss) at start; it is not managed here.

ALTER TABLE messages
  -- the user message an assistant reply answers (several replies after retries)
  ADD COLUMN parent_id           uuid REFERENCES messages (id) ON DELETE CASCADE,
  -- set by POST /api/messages/:id/cancel; the process running the reply aborts on it
  ADD COLUMN cancel_requested_at timestamptz,
  ADD COLUMN started_at          timestamptz,
  ADD COLUMN first_token_at      timestamptz,
  ADD COLUMN finished_at         timestamptz,
  ADD CONSTRAINT messages_parent_role CHECK (parent_id IS NULL OR role = 'assistant');
CREATE INDEX messages_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;
-- "is another reply of this task still waiting?" (agent status after a run ends)
CREATE INDEX messages_task_open ON messages (task_id) WHERE status IN ('queued', 'streaming');

CREATE TABLE agent_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_id      uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  provider        text NOT NULL,
  model           text NOT NULL,
  attempt         int  NOT NULL CHECK (attempt >= 1),
  started_at      timestamptz NOT NULL DEFAULT now(),
  first_token_at  timestamptz,
  finished_at     timestamptz,
  tokens_in       int,
  tokens_out      int,
  cost_estimate   numeric(12, 6),
  -- null while running or when it succeeded; else transient | rate_limited | timeout | invalid_response |
  -- auth | bad_request | cancelled | worker_lost | unknown
  error_class     text,
  error           text CHECK (char_length(error) <= 4000),
  UNIQUE (message_id, attempt)
);
CREATE INDEX agent_runs_task ON agent_runs (task_id, started_at);

CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id          bigserial UNIQUE,
  created_at  timestamptz DEFAULT now(),
  payload     bytea
);
