-- A model's tool_call ids are unique within one answer only (some OpenAI-compatible servers
-- number them call_0, call_1… in every answer): a call is known by its reply, its round (the
-- model call that asked for it, 1-based) and its id, so a resumed run never mistakes a new
-- round's call_0 for the earlier one that already ran.
ALTER TABLE tool_calls ADD COLUMN round int NOT NULL DEFAULT 1 CHECK (round >= 1);
ALTER TABLE tool_calls DROP CONSTRAINT tool_calls_message_id_call_id_key;
ALTER TABLE tool_calls ADD CONSTRAINT tool_calls_call UNIQUE (message_id, round, call_id);
