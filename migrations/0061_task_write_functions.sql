-- A task create or move in one statement (commands/create-task.ts, move-task.ts; docs/locking.md,
-- docs/operations.md "Write path"). It was six round trips inside BEGIN … COMMIT (lock the
-- column, read the neighbours, insert, record the activity, read the txid); the lock was held
-- across all of them, so creates into one column queued behind each other's round trips.
-- A VOLATILE plpgsql function takes a fresh snapshot for every statement (READ COMMITTED), so
-- the neighbours are read after the column lock is granted: they are the current ones, as with
-- the lock taken first in a transaction. A single CTE could not do this: its one snapshot is
-- taken before it waits for the lock, and would miss the row the lock holder just committed.
-- Errors a user can cause are raised with our own SQLSTATEs (commands/task-writes.ts maps them):
--   KB404  message = what ('column', 'task'), detail = its id
--   KB400  message = the sentence for the client (no database text in it)

-- The key for a task placed in a column (mirrors commands/placement.ts placeKey):
-- mode 'end' | 'start' | 'index' | 'after' | 'before'; the moved task itself is not a neighbour.
CREATE FUNCTION kanban_place_task(
  p_column uuid, p_exclude uuid, p_mode text, p_index int, p_after uuid, p_before uuid
) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ex uuid := coalesce(p_exclude, '00000000-0000-0000-0000-000000000000');
  a text COLLATE "C";
  b text COLLATE "C";
BEGIN
  IF p_mode = 'end' THEN
    SELECT position INTO a FROM tasks WHERE column_id = p_column AND id <> ex ORDER BY position DESC LIMIT 1;
    RETURN kanban_key_between(a, NULL);
  ELSIF p_mode = 'start' OR (p_mode = 'index' AND p_index = 0) THEN
    SELECT position INTO b FROM tasks WHERE column_id = p_column AND id <> ex ORDER BY position LIMIT 1;
    RETURN kanban_key_between(NULL, b);
  ELSIF p_mode = 'index' THEN
    SELECT min(position), CASE WHEN count(*) > 1 THEN max(position) END INTO a, b FROM (
      SELECT position FROM tasks WHERE column_id = p_column AND id <> ex
       ORDER BY position LIMIT 2 OFFSET p_index - 1) n;
    IF a IS NULL THEN
      SELECT position INTO a FROM tasks WHERE column_id = p_column AND id <> ex ORDER BY position DESC LIMIT 1;
    END IF;
    RETURN kanban_key_between(a, b);
  ELSIF p_mode = 'after' THEN
    SELECT position INTO a FROM tasks WHERE column_id = p_column AND id <> ex AND id = p_after;
    IF a IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'KB400',
        MESSAGE = format('placement.afterId: %s is not a sibling of this row', p_after);
    END IF;
    IF p_before IS NOT NULL THEN
      SELECT position INTO b FROM tasks WHERE column_id = p_column AND id <> ex AND id = p_before;
      IF b IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'KB400',
          MESSAGE = format('placement.beforeId: %s is not a sibling of this row', p_before);
      END IF;
      IF b < a THEN
        RAISE EXCEPTION USING ERRCODE = 'KB400', MESSAGE = 'placement: beforeId comes before afterId';
      END IF;
    END IF;
    SELECT position INTO b FROM tasks
     WHERE column_id = p_column AND id <> ex AND position > a ORDER BY position LIMIT 1;
    RETURN kanban_key_between(a, b);
  ELSIF p_mode = 'before' THEN
    SELECT position INTO b FROM tasks WHERE column_id = p_column AND id <> ex AND id = p_before;
    IF b IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'KB400',
        MESSAGE = format('placement.beforeId: %s is not a sibling of this row', p_before);
    END IF;
    SELECT position INTO a FROM tasks
     WHERE column_id = p_column AND id <> ex AND position < b ORDER BY position DESC LIMIT 1;
    RETURN kanban_key_between(a, b);
  END IF;
  RAISE EXCEPTION 'unknown placement mode %', p_mode;
END $$;

-- Creates a task (idempotent on p_id): locks the column, checks it and the parent are on the
-- board, places the task, inserts it and its 'created' activity. `task` is the new row, or the
-- existing one with that id (replay_xmin set: the caller decides replay or conflict).
CREATE FUNCTION kanban_create_task(
  p_board uuid, p_column uuid, p_id uuid, p_parent uuid,
  p_title text, p_description text, p_priority text, p_model text,
  p_actor_id text, p_actor_name text,
  p_mode text, p_index int, p_after uuid, p_before uuid
) RETURNS TABLE (task tasks, replay_xmin text) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  col_board uuid;
  parent_board uuid;
  pos text;
  v_task tasks;
BEGIN
  SELECT c.board_id INTO col_board FROM columns c WHERE c.id = p_column FOR NO KEY UPDATE;
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
  pos := kanban_place_task(p_column, NULL, p_mode, p_index, p_after, p_before);
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

-- Moves a task to a place in a column, possibly on another board (labels stay behind; the
-- tasks_board_moved trigger moves its messages). Lock order as before: the target column, then
-- the task row (docs/locking.md). A change of column (or board) is recorded as 'moved'.
CREATE FUNCTION kanban_move_task(
  p_id uuid, p_column uuid, p_actor_id text, p_actor_name text,
  p_mode text, p_index int, p_after uuid, p_before uuid
) RETURNS SETOF tasks LANGUAGE plpgsql VOLATILE AS $$
DECLARE
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
  SELECT c.board_id INTO to_board FROM columns c WHERE c.id = p_column FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'KB404', MESSAGE = 'column', DETAIL = p_column::text;
  END IF;
  pos := kanban_place_task(p_column, p_id, p_mode, p_index, p_after, p_before);
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
