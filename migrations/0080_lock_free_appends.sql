-- Creates and moves to the end or the start of a column without the column lock (issue 13,
-- docs/performance.md "Write path"). With the lock (0061) every append to one column waited for
-- the one before it to COMMIT, WAL flush included: one column took one commit at a time. An end
-- (or start) placement only needs a key after the last (before the first) committed task, and
-- concurrent appends only need DIFFERENT keys: each takes the library's key and appends a random
-- three-digit fraction (kanban_jitter_key), so writers that read the same last key still land
-- apart and commit together. Two that draw the same digits (1 in 226,981 per pair) clash on
-- UNIQUE (column_id, position); the second waits for the first's commit, gets 23505 and the app
-- runs the statement again (commands/task-writes.ts), now reading the first one's key.
-- Placements between two tasks (index > 0, after, before) keep the lock: their gap is shared.
-- A deleted column is still caught: the insert's foreign key check locks it FOR KEY SHARE.

-- `k` plus a random fraction: above k, and below any key above k that k is not a prefix of.
-- The last digit is never '0' (a fractional-indexing key may not end in 0).
CREATE FUNCTION kanban_jitter_key(k text) RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT k
    || substr(d, 1 + floor(random() * 62)::int, 1)
    || substr(d, 1 + floor(random() * 62)::int, 1)
    || substr(d, 2 + floor(random() * 61)::int, 1)
    FROM (SELECT '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'::text AS d) digits
$$;

-- The key for an end or start placement read without a lock; NULL for the other placements.
CREATE FUNCTION kanban_place_unlocked(p_column uuid, p_exclude uuid, p_mode text, p_index int)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ex uuid := coalesce(p_exclude, '00000000-0000-0000-0000-000000000000');
  a text COLLATE "C";
  b text COLLATE "C";
  k text COLLATE "C";
BEGIN
  IF p_mode = 'end' THEN
    SELECT position INTO a FROM tasks WHERE column_id = p_column AND id <> ex ORDER BY position DESC LIMIT 1;
    RETURN kanban_jitter_key(kanban_key_between(a, NULL));
  ELSIF p_mode = 'start' OR (p_mode = 'index' AND p_index = 0) THEN
    SELECT position INTO b FROM tasks WHERE column_id = p_column AND id <> ex ORDER BY position LIMIT 1;
    k := kanban_key_between(NULL, b);
    -- Before 'a0V' the library says 'a0', a prefix of it: 'a0' plus a fraction may not stay
    -- below 'a0V'. The integer key before 'a0' ('Zz') is no prefix of it, and neither are its
    -- extensions.
    IF starts_with(b, k) THEN
      k := kanban_key_between(NULL, k);
    END IF;
    RETURN kanban_jitter_key(k);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kanban_create_task(
  p_board uuid, p_column uuid, p_id uuid, p_parent uuid,
  p_title text, p_description text, p_priority text, p_model text,
  p_actor_id text, p_actor_name text,
  p_mode text, p_index int, p_after uuid, p_before uuid
) RETURNS TABLE (task tasks, replay_xmin text) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  unlocked boolean := p_mode IN ('end', 'start') OR (p_mode = 'index' AND p_index = 0);
  col_board uuid;
  parent_board uuid;
  pos text;
  v_task tasks;
BEGIN
  IF unlocked THEN
    SELECT c.board_id INTO col_board FROM columns c WHERE c.id = p_column;
  ELSE
    SELECT c.board_id INTO col_board FROM columns c WHERE c.id = p_column FOR NO KEY UPDATE;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'KB404', MESSAGE = 'column', DETAIL = p_column::text;
  END IF;
  IF col_board <> p_board THEN
    RAISE EXCEPTION USING ERRCODE = 'KB400',
      MESSAGE = format('columnId: column %s is not on board %s', p_column, p_board);
  END IF;
  IF p_parent IS NOT NULL THEN
    SELECT t.board_id INTO parent_board FROM tasks t WHERE t.id = p_parent;
    IF parent_board IS DISTINCT FROM p_board THEN
      RAISE EXCEPTION USING ERRCODE = 'KB400',
        MESSAGE = format('parentId: task %s is not on board %s', p_parent, p_board);
    END IF;
  END IF;
  IF unlocked THEN
    pos := kanban_place_unlocked(p_column, NULL, p_mode, p_index);
  ELSE
    pos := kanban_place_task(p_column, NULL, p_mode, p_index, p_after, p_before);
  END IF;
  INSERT INTO tasks AS t (id, board_id, column_id, title, description, priority, model, position,
                          agent_status_message, parent_id, created_by, updated_by)
  VALUES (coalesce(p_id, gen_random_uuid()), p_board, p_column, p_title, p_description, p_priority,
          p_model, pos, NULL, p_parent, p_actor_id, p_actor_id)
  ON CONFLICT (id) DO NOTHING
  RETURNING t.* INTO v_task;
  IF FOUND THEN
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    VALUES (v_task.id, p_actor_id, p_actor_name, 'created', jsonb_build_object('columnId', p_column));
    RETURN QUERY SELECT v_task, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY SELECT t, t.xmin::text FROM tasks t WHERE t.id = p_id;
END $$;

CREATE OR REPLACE FUNCTION kanban_move_task(
  p_id uuid, p_column uuid, p_actor_id text, p_actor_name text,
  p_mode text, p_index int, p_after uuid, p_before uuid
) RETURNS SETOF tasks LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  unlocked boolean := p_mode IN ('end', 'start') OR (p_mode = 'index' AND p_index = 0);
  from_board uuid;
  from_column uuid;
  to_board uuid;
  pos text;
  v_task tasks;
BEGIN
  SELECT t.board_id, t.column_id INTO from_board, from_column FROM tasks t WHERE t.id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'KB404', MESSAGE = 'task', DETAIL = p_id::text;
  END IF;
  IF unlocked THEN
    SELECT c.board_id INTO to_board FROM columns c WHERE c.id = p_column;
  ELSE
    SELECT c.board_id INTO to_board FROM columns c WHERE c.id = p_column FOR NO KEY UPDATE;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'KB404', MESSAGE = 'column', DETAIL = p_column::text;
  END IF;
  IF unlocked THEN
    pos := kanban_place_unlocked(p_column, p_id, p_mode, p_index);
  ELSE
    pos := kanban_place_task(p_column, p_id, p_mode, p_index, p_after, p_before);
  END IF;
  UPDATE tasks t
     SET board_id = to_board, column_id = p_column, position = pos, updated_by = p_actor_id,
         label_ids = CASE WHEN to_board <> from_board THEN '{}'::uuid[] ELSE t.label_ids END
   WHERE t.id = p_id
  RETURNING t.* INTO v_task;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'KB404', MESSAGE = 'task', DETAIL = p_id::text;
  END IF;
  IF from_column <> p_column THEN
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    VALUES (p_id, p_actor_id, p_actor_name, 'moved',
            jsonb_build_object('fromColumnId', from_column, 'toColumnId', p_column)
            || CASE WHEN to_board <> from_board
                    THEN jsonb_build_object('fromBoardId', from_board, 'toBoardId', to_board)
                    ELSE '{}'::jsonb END);
  END IF;
  RETURN NEXT v_task;
END $$;
