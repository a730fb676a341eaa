-- The publication the built-in shape server streams through logical replication (pgoutput).
-- Electric, when used instead, manages its own publication; this one then stays idle and costless.
CREATE PUBLICATION kanban_sync FOR TABLE boards, columns, tasks, messages;
