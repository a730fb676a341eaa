-- The chat summary's triggers (0090) on the reply path's own statements (issue 13).
--
-- task_chat_summary_refresh was a LANGUAGE sql function: PostgreSQL 15 plans a SQL function's
-- statements again on every call (no plan cache across calls), and this UPDATE's six subqueries
-- took ~2 ms to plan against ~0.07 ms to run. It runs on every message INSERT (a chat post) and on
-- every status change of a reply (~3 per reply), inside the writer's statement. The same body in
-- plpgsql keeps its plan for the session; a generic plan from the first call, since the only
-- parameter is the array of task ids and every subquery is an index range on one task whatever
-- the array holds (a custom plan would be re-planned for five calls before plpgsql decides).
CREATE OR REPLACE FUNCTION task_chat_summary_refresh(p_tasks uuid[]) RETURNS void
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
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
        (s.n, s.streaming, s.last_seq, s.last_status, s.done_seq, s.open_n, s.open_agent);
END $$;

-- The touch trigger compared the rows as jsonb three times (each a full row → jsonb build, the
-- description included) on every task UPDATE. Same rule, fewer conversions: a row with the
-- chat fields put back as they were equals OLD exactly when nothing but the chat fields changed.
-- Every column type of tasks has an equality operator, so the row comparison is total.
CREATE OR REPLACE FUNCTION tasks_touch_unless_chat() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rest tasks;
BEGIN
  IF (NEW.chat_count, NEW.chat_streaming, NEW.chat_last_reply_seq, NEW.chat_last_reply_status,
      NEW.chat_last_done_seq, NEW.chat_open_replies, NEW.chat_open_agent_id)
     IS DISTINCT FROM
     (OLD.chat_count, OLD.chat_streaming, OLD.chat_last_reply_seq, OLD.chat_last_reply_status,
      OLD.chat_last_done_seq, OLD.chat_open_replies, OLD.chat_open_agent_id) THEN
    rest := NEW;
    rest.chat_count := OLD.chat_count;
    rest.chat_streaming := OLD.chat_streaming;
    rest.chat_last_reply_seq := OLD.chat_last_reply_seq;
    rest.chat_last_reply_status := OLD.chat_last_reply_status;
    rest.chat_last_done_seq := OLD.chat_last_done_seq;
    rest.chat_open_replies := OLD.chat_open_replies;
    rest.chat_open_agent_id := OLD.chat_open_agent_id;
    IF rest IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
