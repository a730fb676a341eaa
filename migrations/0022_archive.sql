-- Archive instead of delete: an archived card or column is hidden from the board and listed in
-- the board's "Archived" view, from where it is restored as it was (same column, same place).
-- The rows stay in their shapes, so restoring is one column write that every browser sees.
ALTER TABLE tasks ADD COLUMN archived_at timestamptz;
ALTER TABLE columns ADD COLUMN archived_at timestamptz;
