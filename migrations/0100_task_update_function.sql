-- A task edit (PATCH /api/tasks/:id) as one statement, like the create and the move (0061,
-- 0080): the row's lock, its values before, the checks of labels, agent and assignees against
-- its board, the update and one activity entry per kind of change, in one round trip instead of
-- a transaction of five (issue 13, docs/performance.md "Write path"). The policy check stays in
-- TypeScript, one query before it; p_board is the board it answered for, so a task moved to
-- another board in between is not found rather than edited there.
--
-- p_fields holds only the fields to change (absent: unchanged), keyed by column name: title,
-- description, priority, model, assignee_ids (text[]), label_ids (uuid[]), due_date, agent_id.
-- Lists arrive de-duplicated (commands/update-task.ts). Errors: KB404 (task gone or elsewhere),
-- KB400 with the sentence the API answers (commands/task-writes.ts domainError).
-- Returns the row as written, the agent it had before (delegation decides on it) and the new
-- agent's handle when one was given.
CREATE FUNCTION kanban_update_task(
  p_id uuid, p_board uuid, p_actor_id text, p_actor_name text, p_fields jsonb
) RETURNS TABLE (task tasks, before_agent_id uuid, agent_handle text) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  b tasks;
  v_task tasks;
  v_labels uuid[];
  v_assignees text[];
  v_agent uuid;
  v_handle text;
  missing text[];
  edited text[] := '{}';
  data jsonb := '{}';
BEGIN
  -- FOR NO KEY UPDATE: see docs/locking.md. Two PATCHes giving the task an agent are decided
  -- one after the other on the agent it had.
  SELECT * INTO b FROM tasks t WHERE t.id = p_id FOR NO KEY UPDATE;
  IF NOT FOUND OR b.board_id <> p_board THEN
    RAISE EXCEPTION USING ERRCODE = 'KB404', MESSAGE = 'task', DETAIL = p_id::text;
  END IF;

  IF p_fields ? 'label_ids' THEN
    v_labels := ARRAY(SELECT jsonb_array_elements_text(p_fields->'label_ids')::uuid);
    SELECT array_agg(l::text ORDER BY o) INTO missing
      FROM unnest(v_labels) WITH ORDINALITY u(l, o)
     WHERE NOT EXISTS (SELECT 1 FROM labels x WHERE x.board_id = b.board_id AND x.id = u.l);
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'KB400', MESSAGE = format('labelIds: %s %s of this board',
        array_to_string(missing, ', '),
        CASE WHEN cardinality(missing) > 1 THEN 'are not labels' ELSE 'is not a label' END);
    END IF;
  END IF;

  IF p_fields ? 'agent_id' THEN
    v_agent := (p_fields->>'agent_id')::uuid;
    IF v_agent IS NOT NULL THEN
      SELECT a.handle INTO v_handle FROM agents a WHERE a.id = v_agent AND a.board_id = b.board_id;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'KB400',
          MESSAGE = format('agentId: %s is not an agent of this board', v_agent);
      END IF;
    END IF;
  END IF;

  IF p_fields ? 'assignee_ids' THEN
    v_assignees := ARRAY(SELECT jsonb_array_elements_text(p_fields->'assignee_ids'));
    SELECT array_agg(u ORDER BY o) INTO missing
      FROM unnest(v_assignees) WITH ORDINALITY x(u, o)
     WHERE NOT EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.board_id AND m.user_id = x.u);
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'KB400', MESSAGE = format('assigneeIds: %s %s not a member of this board',
        array_to_string(missing, ', '), CASE WHEN cardinality(missing) > 1 THEN 'are' ELSE 'is' END);
    END IF;
  END IF;

  UPDATE tasks t SET
    title = CASE WHEN p_fields ? 'title' THEN p_fields->>'title' ELSE t.title END,
    description = CASE WHEN p_fields ? 'description' THEN p_fields->>'description' ELSE t.description END,
    priority = CASE WHEN p_fields ? 'priority' THEN p_fields->>'priority' ELSE t.priority END,
    model = CASE WHEN p_fields ? 'model' THEN p_fields->>'model' ELSE t.model END,
    assignee_ids = CASE WHEN p_fields ? 'assignee_ids' THEN v_assignees ELSE t.assignee_ids END,
    label_ids = CASE WHEN p_fields ? 'label_ids' THEN v_labels ELSE t.label_ids END,
    due_date = CASE WHEN p_fields ? 'due_date' THEN (p_fields->>'due_date')::date ELSE t.due_date END,
    agent_id = CASE WHEN p_fields ? 'agent_id' THEN v_agent ELSE t.agent_id END,
    updated_by = p_actor_id
   WHERE t.id = p_id
  RETURNING t.* INTO v_task;

  -- As commands/update-task.ts wrote them: short values say what they became, a description is
  -- only named.
  IF v_task.title IS DISTINCT FROM b.title THEN
    edited := edited || 'title'::text;
    data := data || jsonb_build_object('title', v_task.title);
  END IF;
  IF v_task.description IS DISTINCT FROM b.description THEN
    edited := edited || 'description'::text;
  END IF;
  IF v_task.priority IS DISTINCT FROM b.priority THEN
    edited := edited || 'priority'::text;
    data := data || jsonb_build_object('priority', v_task.priority);
  END IF;
  IF v_task.model IS DISTINCT FROM b.model THEN
    edited := edited || 'model'::text;
    data := data || jsonb_build_object('model', v_task.model);
  END IF;
  IF cardinality(edited) > 0 THEN
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    VALUES (p_id, p_actor_id, p_actor_name, 'edited', jsonb_build_object('fields', to_jsonb(edited)) || data);
  END IF;
  IF v_task.assignee_ids IS DISTINCT FROM b.assignee_ids THEN
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    VALUES (p_id, p_actor_id, p_actor_name, 'assigned', jsonb_build_object('assigneeIds', v_task.assignee_ids));
  END IF;
  IF v_task.label_ids IS DISTINCT FROM b.label_ids THEN
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    VALUES (p_id, p_actor_id, p_actor_name, 'labelled', jsonb_build_object('labelIds', v_task.label_ids));
  END IF;
  IF v_task.due_date IS DISTINCT FROM b.due_date THEN
    INSERT INTO task_activity (task_id, actor_id, actor_name, kind, data)
    VALUES (p_id, p_actor_id, p_actor_name, 'due', jsonb_build_object('dueDate', v_task.due_date));
  END IF;
  RETURN QUERY SELECT v_task, b.agent_id, v_handle;
END $$;
