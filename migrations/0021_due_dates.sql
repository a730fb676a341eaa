-- A task's due date: a calendar day (no time zone games; "overdue" is judged in the viewer's day).
ALTER TABLE tasks ADD COLUMN due_date date;
CREATE INDEX tasks_board_due_date ON tasks (board_id, due_date) WHERE due_date IS NOT NULL;
