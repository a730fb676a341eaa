-- A summary of each task's chat on the task row (issue 11), so a card reads its chat stats from
-- the tasks shape and the board needs no messages shape: on a board with thousands of messages
-- the board downloaded every one of them for a count and a dot.
--
-- Kept by triggers on messages: INSERT, DELETE, and UPDATE OF status, task_id, agent_id. Never on
-- content: a streaming reply writes its text many times, and each write would become a tasks-shape
-- change for every viewer of the board. Each event recomputes the summary of the tasks it touched
-- from their messages (an index range on messages_task_seq and the open-replies partial index),
-- so no path (finish, cancel, failure, crash recovery, regenerate, edit-and-resend's deletes) can
-- leave a count or a status behind. A task moved to another board carries its summary with it.
-- Lock order stays task first (docs/locking.md): every writer of messages already holds its task.
ALTER TABLE tasks
  ADD COLUMN chat_count             integer NOT NULL DEFAULT 0,
  -- an assistant reply of the task is streaming now
  ADD COLUMN chat_streaming         boolean NOT NULL DEFAULT false,
  -- the newest reply (by seq), any status: the card says "interrupted" from it
  ADD COLUMN chat_last_reply_seq    bigint,
  ADD COLUMN chat_last_reply_status text,
  -- the newest finished reply: the card's unread dot compares it with what the browser has seen
  ADD COLUMN chat_last_done_seq     bigint NOT NULL DEFAULT 0,
  -- replies still open (queued, streaming, executing, waiting): "an agent is at work on the board";
  -- the agent of the newest one that names its agent, for "Planner changed this"
  ADD COLUMN chat_open_replies      integer NOT NULL DEFAULT 0,
  ADD COLUMN chat_open_agent_id     uuid;

CREATE FUNCTION task_chat_summary_refresh(p_tasks uuid[]) RETURNS void LANGUAGE sql VOLATILE AS $$
  UPDATE tasks t SET
    chat_count = s.n,
    chat_streaming = s.streaming,
    chat_last_reply_seq = s.last_seq,
    chat_last_reply_status = s.last_status,
    chat_last_done_seq = s.done_seq,
    chat_open_replies = s.open_n,
    chat_open_agent_id = s.open_agent
  FROM (
    SELECT id,
      (SELECT count(*)::int FROM messages m WHERE m.task_id = x.id) AS n,
      EXISTS (SELECT 1 FROM messages m WHERE m.task_id = x.id AND m.role = 'assistant'
              AND m.status = 'streaming') AS streaming,
      r.seq AS last_seq, r.status AS last_status,
      coalesce((SELECT m.seq FROM messages m WHERE m.task_id = x.id AND m.role = 'assistant'
                AND m.status IN ('completed', 'failed', 'cancelled', 'interrupted')
                ORDER BY m.seq DESC LIMIT 1), 0) AS done_seq,
      (SELECT count(*)::int FROM messages m WHERE m.task_id = x.id AND m.role = 'assistant'
       AND m.status IN ('queued', 'streaming', 'executing', 'waiting_for_user')) AS open_n,
      (SELECT m.agent_id FROM messages m WHERE m.task_id = x.id AND m.role = 'assistant'
       AND m.status IN ('queued', 'streaming', 'executing', 'waiting_for_user')
       AND m.agent_id IS NOT NULL ORDER BY m.seq DESC LIMIT 1) AS open_agent
    FROM unnest(p_tasks) AS x(id)
    LEFT JOIN LATERAL (
      SELECT m.seq, m.status FROM messages m WHERE m.task_id = x.id AND m.role = 'assistant'
      ORDER BY m.seq DESC LIMIT 1
    ) r ON true
  ) s
  WHERE t.id = s.id
    -- an unchanged summary writes nothing (no tasks-shape change, no WAL)
    AND (t.chat_count, t.chat_streaming, t.chat_last_reply_seq, t.chat_last_reply_status,
         t.chat_last_done_seq, t.chat_open_replies, t.chat_open_agent_id)
        IS DISTINCT FROM
        (s.n, s.streaming, s.last_seq, s.last_status, s.done_seq, s.open_n, s.open_agent)
$$;

-- Inserts and deletes come many rows at a time (edit-and-resend deletes the later messages, a
-- handoff queues several replies): once per statement, once per task.
CREATE FUNCTION task_chat_summary_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM task_chat_summary_refresh(ARRAY(SELECT DISTINCT task_id FROM new_rows));
  RETURN NULL;
END $$;
CREATE FUNCTION task_chat_summary_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM task_chat_summary_refresh(ARRAY(SELECT DISTINCT task_id FROM old_rows));
  RETURN NULL;
END $$;
-- Column-listed triggers cannot have transition tables, so updates are per row.
CREATE FUNCTION task_chat_summary_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM task_chat_summary_refresh(ARRAY[OLD.task_id, NEW.task_id]);
  RETURN NULL;
END $$;

CREATE TRIGGER messages_chat_summary_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_chat_summary_inserted();
CREATE TRIGGER messages_chat_summary_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_chat_summary_deleted();
CREATE TRIGGER messages_chat_summary_update AFTER UPDATE OF status, task_id, agent_id ON messages
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.task_id IS DISTINCT FROM NEW.task_id
        OR OLD.agent_id IS DISTINCT FROM NEW.agent_id)
  EXECUTE FUNCTION task_chat_summary_updated();

-- updated_at says the card changed (the agent-change flash, edit conflicts read it); a new chat
-- message does not change the card, so a write of only the summary leaves it.
CREATE OR REPLACE FUNCTION tasks_touch_unless_chat() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chat text[] := ARRAY['chat_count', 'chat_streaming', 'chat_last_reply_seq', 'chat_last_reply_status',
                       'chat_last_done_seq', 'chat_open_replies', 'chat_open_agent_id'];
BEGIN
  IF (to_jsonb(NEW) - chat) = (to_jsonb(OLD) - chat) AND to_jsonb(NEW) <> to_jsonb(OLD) THEN
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
DROP TRIGGER tasks_touch ON tasks;
CREATE TRIGGER tasks_touch BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_touch_unless_chat();

-- Backfill: every task that has messages.
SELECT task_chat_summary_refresh(ARRAY(SELECT DISTINCT task_id FROM messages));
