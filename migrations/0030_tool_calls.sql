-- Tool calls of agent replies, one row each, from the moment the model asks for it to its end
-- (docs/agents.md "Tool calls"). `call_id` is the model's own tool_call id: a run resumed from its
-- checkpoint looks its row up before executing, so a call that already ran is never run twice.
CREATE TABLE tool_calls (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- denormalised for the per-board shape; follows the task's board (trigger below)
  board_id         uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  task_id          uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  -- the assistant reply that made the call
  message_id       uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  agent_id         uuid REFERENCES agents (id) ON DELETE SET NULL,
  call_id          text NOT NULL CHECK (char_length(call_id) BETWEEN 1 AND 200),
  name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  arguments        jsonb NOT NULL DEFAULT '{}'::jsonb,
  status           text NOT NULL
                     CHECK (status IN ('running', 'succeeded', 'failed', 'denied', 'waiting')),
  -- what the tool answered (the text the model read), cut to fit
  result_summary   text CHECK (char_length(result_summary) <= 4000),
  error            text CHECK (char_length(error) <= 4000),
  -- who approved or denied an `ask` call, and their name then
  decided_by       text REFERENCES "user" (id) ON DELETE SET NULL,
  decided_by_name  text,
  decided_at       timestamptz,
  deny_reason      text CHECK (char_length(deny_reason) <= 2000),
  started_at       timestamptz,
  finished_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (message_id, call_id)
);
-- The shapes stream deletes with their filter columns.
ALTER TABLE tool_calls REPLICA IDENTITY FULL;
CREATE INDEX tool_calls_task ON tool_calls (task_id, created_at);
CREATE INDEX tool_calls_board ON tool_calls (board_id);

CREATE FUNCTION tool_calls_follow_task_board() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tool_calls SET board_id = NEW.board_id WHERE task_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER tasks_board_moved_tool_calls AFTER UPDATE OF board_id ON tasks
  FOR EACH ROW WHEN (OLD.board_id IS DISTINCT FROM NEW.board_id)
  EXECUTE FUNCTION tool_calls_follow_task_board();

-- A reply runs a tool (executing) or waits for an editor's decision (waiting_for_user): both are
-- open, non-terminal statuses; the task's agent status says the same to the board.
ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check CHECK (status IN ('queued', 'streaming',
  'executing', 'waiting_for_user', 'completed', 'failed', 'cancelled', 'interrupted'));
ALTER TABLE tasks DROP CONSTRAINT tasks_agent_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_agent_status_check CHECK (agent_status IN ('idle', 'queued',
  'thinking', 'executing', 'streaming', 'waiting_for_user', 'error'));

DROP INDEX messages_task_open;
CREATE INDEX messages_task_open ON messages (task_id)
  WHERE status IN ('queued', 'streaming', 'executing', 'waiting_for_user');

-- The end of a reply is written once, from any open status (migrations/0023).
DROP TRIGGER messages_reply_ended ON messages;
CREATE TRIGGER messages_reply_ended AFTER UPDATE OF status ON messages
  FOR EACH ROW
  WHEN (NEW.role = 'assistant'
        AND OLD.status IN ('queued', 'streaming', 'executing', 'waiting_for_user')
        AND NEW.status IN ('completed', 'failed', 'cancelled', 'interrupted'))
  EXECUTE FUNCTION task_activity_reply_ended();

ALTER PUBLICATION kanban_sync ADD TABLE tool_calls;
