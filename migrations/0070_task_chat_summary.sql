-- What a card shows about its chat, kept on the task row (issue 11): the board reads it from the
-- tasks shape instead of holding a board-wide live messages shape (one of the browser's six
-- HTTP/1.1 connections, and rows for every chat of the board). The chat panel pages its own
-- task's messages.
--   message_count      every message of the task (the card's chat chip)
--   last_message_at    created_at of the newest message
--   last_reply_seq     seq of the newest finished assistant reply (the card's unread dot)
--   last_reply_status  status of the newest assistant reply by seq ("interrupted", streaming dot)
--   last_reply_agent_id the agent of that reply ("Planner changed this" while it works)
-- A task moved to another board keeps them: they follow the task row, not the board.
ALTER TABLE tasks
  ADD COLUMN message_count int NOT NULL DEFAULT 0 CHECK (message_count >= 0),
  ADD COLUMN last_message_at timestamptz,
  ADD COLUMN last_reply_seq bigint,
  ADD COLUMN last_reply_status text,
  ADD COLUMN last_reply_agent_id uuid;

-- A summary write is not an edit of the task: updated_at (shown as "edited", compared by the
-- client's agent-change notes) moves only when another column changed.
DROP TRIGGER tasks_touch ON tasks;
CREATE TRIGGER tasks_touch BEFORE UPDATE ON tasks FOR EACH ROW
  WHEN ((to_jsonb(OLD) - '{message_count,last_message_at,last_reply_seq,last_reply_status,last_reply_agent_id,updated_at}'::text[])
        IS DISTINCT FROM
        (to_jsonb(NEW) - '{message_count,last_message_at,last_reply_seq,last_reply_status,last_reply_agent_id,updated_at}'::text[]))
  EXECUTE FUNCTION touch_updated_at();

-- Recomputed from the messages (index messages_task_seq), so no sequence of writes can drift it.
CREATE FUNCTION kanban_task_chat_summary(p_task uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n int;
  last_at timestamptz;
  done_seq bigint;
  r_status text;
  r_agent uuid;
BEGIN
  SELECT count(*), max(created_at) INTO n, last_at FROM messages WHERE task_id = p_task;
  SELECT max(seq) INTO done_seq FROM messages
   WHERE task_id = p_task AND role = 'assistant'
     AND status IN ('completed', 'failed', 'cancelled', 'interrupted');
  SELECT status, agent_id INTO r_status, r_agent FROM messages
   WHERE task_id = p_task AND role = 'assistant' ORDER BY seq DESC LIMIT 1;
  UPDATE tasks SET message_count = n, last_message_at = last_at, last_reply_seq = done_seq,
         last_reply_status = r_status, last_reply_agent_id = r_agent
   WHERE id = p_task;
END $$;

-- Inserts and deletes: once per task per statement (an edit-and-resend deletes many messages).
-- Every writer locks the task row before its messages (docs/locking.md), so this UPDATE of the
-- task takes no lock the statement's transaction does not already hold or may take first.
-- A task deleted with its messages (the cascade) is already gone: the UPDATE finds no row.
CREATE FUNCTION messages_summary_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR t IN SELECT DISTINCT task_id FROM new_rows ORDER BY task_id LOOP
      PERFORM kanban_task_chat_summary(t);
    END LOOP;
  ELSE
    FOR t IN SELECT DISTINCT task_id FROM old_rows ORDER BY task_id LOOP
      PERFORM kanban_task_chat_summary(t);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_summary_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_summary_rows();
CREATE TRIGGER messages_summary_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_summary_rows();

-- Status changes only. A streaming reply's text is checkpointed many times (and its usage and
-- timings written): those updates must not rewrite the task row, or every checkpoint would
-- travel through the tasks shape to every board viewer.
CREATE FUNCTION messages_summary_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kanban_task_chat_summary(NEW.task_id);
  RETURN NULL;
END $$;
CREATE TRIGGER messages_summary_status AFTER UPDATE OF status, agent_id ON messages
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.agent_id IS DISTINCT FROM NEW.agent_id)
  EXECUTE FUNCTION messages_summary_status();

-- Backfill the existing chats.
UPDATE tasks t SET message_count = s.n, last_message_at = s.last_at, last_reply_seq = s.done_seq,
       last_reply_status = s.r_status, last_reply_agent_id = s.r_agent
  FROM (
    SELECT m.task_id, count(*)::int AS n, max(m.created_at) AS last_at,
           max(m.seq) FILTER (WHERE m.role = 'assistant'
             AND m.status IN ('completed', 'failed', 'cancelled', 'interrupted')) AS done_seq,
           (array_agg(m.status ORDER BY m.seq DESC) FILTER (WHERE m.role = 'assistant'))[1] AS r_status,
           (array_agg(m.agent_id ORDER BY m.seq DESC) FILTER (WHERE m.role = 'assistant'))[1] AS r_agent
      FROM messages m GROUP BY m.task_id
  ) s
 WHERE t.id = s.task_id;
