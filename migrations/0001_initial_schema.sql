-- Boards, columns, tasks and the chat messages of each task.
-- Position keys are fractional-index strings compared byte-wise, hence COLLATE "C".
-- Every synced table has REPLICA IDENTITY FULL so updates carry the old row
-- (needed for changed-column sets and for rows moving between shapes).

CREATE TABLE boards (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE boards REPLICA IDENTITY FULL;

CREATE TABLE columns (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id    uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  position    text COLLATE "C" NOT NULL CHECK (char_length(position) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- lets tasks reference (column, board) so a task can never sit in another board's column
  UNIQUE (id, board_id),
  UNIQUE (board_id, position)
);
ALTER TABLE columns REPLICA IDENTITY FULL;

CREATE TABLE tasks (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id              uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  column_id             uuid NOT NULL,
  title                 text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
  description           text NOT NULL DEFAULT '' CHECK (char_length(description) <= 20000),
  position              text COLLATE "C" NOT NULL CHECK (char_length(position) BETWEEN 1 AND 200),
  priority              text NOT NULL DEFAULT 'none'
                          CHECK (priority IN ('none', 'low', 'medium', 'high', 'urgent')),
  model                 text CHECK (char_length(model) BETWEEN 1 AND 200),
  agent_status          text NOT NULL DEFAULT 'idle'
                          CHECK (agent_status IN ('idle', 'queued', 'thinking', 'streaming', 'error')),
  agent_status_message  text CHECK (char_length(agent_status_message) <= 2000),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  -- RESTRICT: a column with tasks is only deleted after its tasks were moved or deleted
  -- (the API decides which; see DELETE /api/columns/:id).
  FOREIGN KEY (column_id, board_id) REFERENCES columns (id, board_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  UNIQUE (column_id, position)
);
ALTER TABLE tasks REPLICA IDENTITY FULL;
CREATE INDEX tasks_board_column_position ON tasks (board_id, column_id, position);
CREATE INDEX tasks_board_priority ON tasks (board_id, priority);
CREATE INDEX tasks_board_agent_status ON tasks (board_id, agent_status);

CREATE TABLE messages (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  -- denormalised for the per-board shape; kept equal to the task's board by a trigger
  board_id    uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  role        text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  content     text NOT NULL DEFAULT '' CHECK (char_length(content) <= 200000),
  status      text NOT NULL DEFAULT 'completed'
                CHECK (status IN ('queued', 'streaming', 'completed', 'failed', 'cancelled', 'interrupted')),
  model       text,
  usage       jsonb,
  error       text CHECK (char_length(error) <= 4000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE messages REPLICA IDENTITY FULL;
CREATE INDEX messages_task_seq ON messages (task_id, seq);
CREATE INDEX messages_board ON messages (board_id);

-- A task moved to another board takes its messages along, so the per-board message shape stays right.
CREATE FUNCTION messages_follow_task_board() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE messages SET board_id = NEW.board_id WHERE task_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER tasks_board_moved AFTER UPDATE OF board_id ON tasks
  FOR EACH ROW WHEN (OLD.board_id IS DISTINCT FROM NEW.board_id)
  EXECUTE FUNCTION messages_follow_task_board();

-- A message's board is always its task's board, whatever the writer passed.
CREATE FUNCTION messages_set_board() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT board_id INTO NEW.board_id FROM tasks WHERE id = NEW.task_id;
  RETURN NEW;
END $$;
CREATE TRIGGER messages_board_from_task BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_set_board();

-- updated_at is the database's job, so no writer can forget it.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER boards_touch BEFORE UPDATE ON boards FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER columns_touch BEFORE UPDATE ON columns FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER tasks_touch BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER messages_touch BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
