-- Access that ends while someone is still connected: a removed member (also by the board's
-- deletion, which cascades here, or the user's), a session that ends (sign-out, revocation,
-- the user's deletion) and a revoked API key. Each NOTIFYs the control channel (jobs/control.ts)
-- at commit, so every instance closes that user's live shape requests and sockets, whichever
-- command or cascade removed the row.
CREATE FUNCTION notify_access_ended() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m json;
BEGIN
  -- One branch per table: OLD has only that table's columns.
  IF TG_TABLE_NAME = 'board_members' THEN
    m := json_build_object('t', 'revoke', 'boardId', OLD.board_id, 'userId', OLD.user_id);
  ELSIF TG_TABLE_NAME = 'session' THEN
    m := json_build_object('t', 'session-end', 'sessionId', OLD.id);
  ELSE
    m := json_build_object('t', 'key-revoked', 'keyId', OLD.id);
  END IF;
  PERFORM pg_notify('agent_control', m::text);
  RETURN NULL;
END $$;
CREATE TRIGGER board_members_access_ended AFTER DELETE ON board_members
  FOR EACH ROW EXECUTE FUNCTION notify_access_ended();
CREATE TRIGGER session_access_ended AFTER DELETE ON "session"
  FOR EACH ROW EXECUTE FUNCTION notify_access_ended();
CREATE TRIGGER api_keys_access_ended AFTER DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION notify_access_ended();
