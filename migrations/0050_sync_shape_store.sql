-- What the built-in shape server keeps so shapes survive a restart of the app (docs/sync.md,
-- "Shapes that survive a restart"): the replication slot each instance streams through, when that
-- instance was last alive, and a copy of every shape it serves (definition, snapshot, log of
-- changes). Written by the app only; none of these tables is in the publication kanban_sync.
CREATE TABLE sync_slots (
  slot text PRIMARY KEY,
  -- Refreshed while the instance runs and when it stops: a stopped instance's slot and shapes
  -- are kept for SHAPE_RESUME_RETAIN_MS after this, then dropped by the next start.
  seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_shapes (
  handle text PRIMARY KEY,
  slot text NOT NULL,
  -- The ShapeDef as JSON, and the table as it was read (a change while stopped: not restored).
  def text NOT NULL,
  table_info text NOT NULL,
  -- electric-schema of the shape, pg_current_snapshot() of its snapshot, its initial messages.
  schema_header text NOT NULL,
  xids text NOT NULL,
  snapshot text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_shapes_slot ON sync_shapes (slot);

CREATE TABLE sync_shape_changes (
  handle text NOT NULL,
  -- The change's offset <tx>_<op>: commit LSN as an integer and position in the transaction.
  tx numeric(20) NOT NULL,
  op integer NOT NULL,
  json text NOT NULL,
  PRIMARY KEY (handle, tx, op)
);
