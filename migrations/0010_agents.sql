-- Agents are members of a board: each has a handle (@planner) unique on its board, a model, a
-- prompt, the tools it may use with a policy per tool (auto: runs at once; ask: waits for an
-- editor's approval), and a round limit. Every board has exactly one default agent (the one a
-- message without a mention goes to), created with the board by the trigger below.
CREATE TABLE agents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id       uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  handle         text NOT NULL CHECK (handle ~ '^[a-z][a-z0-9_-]{0,31}$'),
  name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
  -- null: the board's default model, else config
  model          text CHECK (char_length(model) <= 200),
  system_prompt  text NOT NULL DEFAULT '' CHECK (char_length(system_prompt) <= 20000),
  -- { "<tool name>": "auto" | "ask" }: the tools it has and how each runs
  tools          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tools) = 'object'),
  temperature    real CHECK (temperature BETWEEN 0 AND 2),
  max_rounds     int NOT NULL DEFAULT 8 CHECK (max_rounds BETWEEN 1 AND 100),
  color          text NOT NULL DEFAULT '#7c3aed' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
  is_default     boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (board_id, handle)
);
-- The shape streams deletes with their board_id (the filter column).
ALTER TABLE agents REPLICA IDENTITY FULL;
CREATE UNIQUE INDEX agents_one_default ON agents (board_id) WHERE is_default;
CREATE TRIGGER agents_touch BEFORE UPDATE ON agents FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The default agent's tools: all the board tools, the ones that change other tasks ask first.
CREATE FUNCTION board_default_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agents (board_id, handle, name, system_prompt, tools, is_default)
  VALUES (NEW.id, 'agent', 'Agent', '',
    '{"read_board":"auto","read_task":"auto","update_task":"auto","move_task":"auto","create_tasks":"auto","comment":"ask","mention":"auto"}',
    true);
  RETURN NULL;
END $$;
CREATE TRIGGER boards_default_agent AFTER INSERT ON boards
  FOR EACH ROW EXECUTE FUNCTION board_default_agent();
INSERT INTO agents (board_id, handle, name, tools, is_default)
SELECT id, 'agent', 'Agent',
  '{"read_board":"auto","read_task":"auto","update_task":"auto","move_task":"auto","create_tasks":"auto","comment":"ask","mention":"auto"}',
  true
FROM boards;

-- A task may name its agent (else the board's default answers), and may be a subtask.
ALTER TABLE tasks
  ADD COLUMN agent_id  uuid REFERENCES agents (id) ON DELETE SET NULL,
  ADD COLUMN parent_id uuid REFERENCES tasks (id) ON DELETE CASCADE,
  ADD CONSTRAINT tasks_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id);
CREATE INDEX tasks_parent ON tasks (parent_id) WHERE parent_id IS NOT NULL;
-- Which agent wrote an assistant message (replies show its name and colour).
ALTER TABLE messages ADD COLUMN agent_id uuid REFERENCES agents (id) ON DELETE SET NULL;

ALTER PUBLICATION kanban_sync ADD TABLE agents;
