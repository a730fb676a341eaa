-- Who may see and change a board. Boards that existed before accounts have no members; the
-- first account becomes their owner (server/src/auth/first-user.ts).
CREATE TABLE board_members (
  board_id    uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  -- denormalised for the members shape (the client shows names and avatars), kept by trigger
  user_name   text NOT NULL DEFAULT '',
  user_color  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (board_id, user_id)
);
ALTER TABLE board_members REPLICA IDENTITY FULL;
CREATE INDEX board_members_user ON board_members (user_id);
CREATE TRIGGER board_members_touch BEFORE UPDATE ON board_members
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE FUNCTION board_members_fill_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT name, color INTO NEW.user_name, NEW.user_color FROM "user" WHERE id = NEW.user_id;
  RETURN NEW;
END $$;
CREATE TRIGGER board_members_user_fields BEFORE INSERT ON board_members
  FOR EACH ROW EXECUTE FUNCTION board_members_fill_user();

CREATE FUNCTION user_follow_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE board_members SET user_name = NEW.name, user_color = NEW.color WHERE user_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER user_renamed AFTER UPDATE OF name, color ON "user"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.color IS DISTINCT FROM NEW.color)
  EXECUTE FUNCTION user_follow_members();

-- Who made each write. Null for rows written before accounts, by the agent, or by a deleted user.
ALTER TABLE boards ADD COLUMN created_by text REFERENCES "user" (id) ON DELETE SET NULL,
                   ADD COLUMN updated_by text REFERENCES "user" (id) ON DELETE SET NULL;
ALTER TABLE columns ADD COLUMN created_by text REFERENCES "user" (id) ON DELETE SET NULL,
                    ADD COLUMN updated_by text REFERENCES "user" (id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN created_by text REFERENCES "user" (id) ON DELETE SET NULL,
                  ADD COLUMN updated_by text REFERENCES "user" (id) ON DELETE SET NULL,
                  -- members assigned to the task (checked against board_members by the command)
                  ADD COLUMN assignee_ids text[] NOT NULL DEFAULT '{}';
-- A user message's author; the name is denormalised so the chat shows it without a join.
ALTER TABLE messages ADD COLUMN author_id text REFERENCES "user" (id) ON DELETE SET NULL,
                     ADD COLUMN author_name text;

ALTER PUBLICATION kanban_sync ADD TABLE board_members;
