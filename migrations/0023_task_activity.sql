-- Who changed what on a task, and when. Rows are written by the commands in the transaction of
-- the change (commands/activity.ts); the end of an agent reply is written by the trigger below,
-- because a reply ends on many paths (finish, failure, cancel, crash recovery, shutdown) in
-- several statements of jobs/reply-store.ts and a trigger sees every one of them exactly once.
CREATE TABLE task_activity (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  actor_id    text REFERENCES "user" (id) ON DELETE SET NULL,
  -- the actor's name then; null for the agent and the system
  actor_name  text,
  kind        text NOT NULL CHECK (kind IN ('created', 'moved', 'edited', 'assigned', 'labelled',
                'due', 'archived', 'restored', 'asked', 'agent-replied')),
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
ALTER TABLE task_activity REPLICA IDENTITY FULL;
CREATE INDEX task_activity_task ON task_activity (task_id, created_at);

CREATE FUNCTION task_activity_reply_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_activity (task_id, kind, data)
  VALUES (NEW.task_id, 'agent-replied', jsonb_build_object('status', NEW.status, 'messageId', NEW.id));
  RETURN NULL;
END $$;
CREATE TRIGGER messages_reply_ended AFTER UPDATE OF status ON messages
  FOR EACH ROW
  WHEN (NEW.role = 'assistant'
        AND OLD.status IN ('queued', 'streaming')
        AND NEW.status IN ('completed', 'failed', 'cancelled', 'interrupted'))
  EXECUTE FUNCTION task_activity_reply_ended();

ALTER PUBLICATION kanban_sync ADD TABLE task_activity;
