-- Each column's number of non-archived cards (issue 11): a board past BOARD_ON_DEMAND_CARDS loads
-- its cards page by page, so the client can no longer count them; it reads the count from the
-- columns shape it already streams, and the same transaction that changes a card changes its
-- column's count (one txid: the header and the card move together).
--
-- The count is kept by a DEFERRED constraint trigger: it runs at COMMIT, not at the write. An
-- AFTER ROW trigger would lock the column row from the write to the commit, and appends to one
-- column would wait for each other again (migration 0080 takes no column lock for them,
-- test/integration/unlocked-appends.test.ts). At commit the row is held only for the commit
-- itself. One UPDATE per event touches both columns of a move (rows locked in one statement).
ALTER TABLE columns ADD COLUMN card_count integer NOT NULL DEFAULT 0;

UPDATE columns c SET card_count = n.n
  FROM (SELECT column_id, count(*)::int AS n FROM tasks WHERE archived_at IS NULL GROUP BY column_id) n
 WHERE n.column_id = c.id;

CREATE FUNCTION columns_count_cards() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  from_col uuid;  -- the column the card counted in before the event (NULL: it did not count)
  into_col uuid;  -- the column it counts in after
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN from_col := OLD.column_id; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.archived_at IS NULL THEN into_col := NEW.column_id; END IF;
  IF from_col IS DISTINCT FROM into_col THEN
    UPDATE columns
       SET card_count = card_count + CASE WHEN id = into_col THEN 1 ELSE -1 END
     WHERE id IN (from_col, into_col);
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER tasks_count_cards
  AFTER INSERT OR DELETE OR UPDATE OF column_id, archived_at ON tasks
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION columns_count_cards();

-- A count is not an edit of the column: its updated_at stays the last rename, move or archive.
DROP TRIGGER columns_touch ON columns;
CREATE TRIGGER columns_touch BEFORE UPDATE ON columns FOR EACH ROW
  WHEN (OLD.card_count IS NOT DISTINCT FROM NEW.card_count)
  EXECUTE FUNCTION touch_updated_at();
