-- Labels: per board, a name and a colour; a task carries the ids of its board's labels.
-- An array on the task (like assignee_ids) rather than a join table: the tasks shape then
-- carries a card's labels with the card, and a label's delete removes its id from the board's
-- tasks in the same transaction (commands/delete-label.ts).
CREATE TABLE labels (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id    uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
  color       text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
  created_by  text REFERENCES "user" (id) ON DELETE SET NULL,
  updated_by  text REFERENCES "user" (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (board_id, name)
);
ALTER TABLE labels REPLICA IDENTITY FULL;
CREATE TRIGGER labels_touch BEFORE UPDATE ON labels FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

ALTER TABLE tasks ADD COLUMN label_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX tasks_label_ids ON tasks USING gin (label_ids);

ALTER PUBLICATION kanban_sync ADD TABLE labels;
