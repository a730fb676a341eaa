-- fractional-indexing 4.0.0's generateKeyBetween (base-62 digits, base-52 integer heads), in
-- SQL, so a write can read its neighbours and compute its key in the statement that writes it
-- (0061). It must answer exactly what the JS library answers for the same neighbours: the client
-- and the other commands keep computing keys with the library, and both kinds of keys live in the
-- same lists. test/integration/fractional-keys-sql.test.ts compares the two on random keys.
-- Every comparison is COLLATE "C" (byte order), as the library compares and as the position
-- columns are declared.

CREATE FUNCTION kanban_fi_digit(c text) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', c) - 1
$$;

-- Length of the integer part whose head is `head` ('a' → 2, 'b' → 3, 'Z' → 2, 'Y' → 3, …).
CREATE FUNCTION kanban_fi_int_length(head text) RETURNS int LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  i int := strpos('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', head) - 1;
BEGIN
  IF i < 0 OR length(head) <> 1 THEN
    RAISE EXCEPTION 'invalid order key head: %', head;
  END IF;
  RETURN CASE WHEN i < 26 THEN 26 - i + 1 ELSE i - 26 + 2 END;
END $$;

CREATE FUNCTION kanban_fi_int_part(key text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  n int := kanban_fi_int_length(left(key, 1));
BEGIN
  IF n > length(key) THEN
    RAISE EXCEPTION 'invalid order key: %', key;
  END IF;
  RETURN left(key, n);
END $$;

CREATE FUNCTION kanban_fi_validate(key text) RETURNS void LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  i text;
BEGIN
  IF key = 'A' || repeat('0', 26) THEN
    RAISE EXCEPTION 'invalid order key: %', key;
  END IF;
  i := kanban_fi_int_part(key);
  IF right(substr(key, length(i) + 1), 1) = '0' THEN
    RAISE EXCEPTION 'invalid order key: %', key;
  END IF;
END $$;

-- A key strictly between a and b ('' for a: no lower bound; null for b: no upper bound).
CREATE FUNCTION kanban_fi_midpoint(a text, b text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  n int := 0;
  da int;
  db int;
BEGIN
  IF b IS NOT NULL AND a COLLATE "C" >= b COLLATE "C" THEN
    RAISE EXCEPTION '% >= %', a, b;
  END IF;
  IF right(a, 1) = '0' OR (b IS NOT NULL AND right(b, 1) = '0') THEN
    RAISE EXCEPTION 'trailing zero';
  END IF;
  IF b IS NOT NULL AND b <> '' THEN
    WHILE n < length(b) AND coalesce(nullif(substr(a, n + 1, 1), ''), '0') = substr(b, n + 1, 1) LOOP
      n := n + 1;
    END LOOP;
    IF n > 0 THEN
      RETURN left(b, n) || kanban_fi_midpoint(substr(a, n + 1), substr(b, n + 1));
    END IF;
  END IF;
  da := CASE WHEN a <> '' THEN kanban_fi_digit(left(a, 1)) ELSE 0 END;
  db := CASE WHEN b IS NULL THEN 62 WHEN b = '' THEN NULL ELSE kanban_fi_digit(left(b, 1)) END;
  IF db IS NOT NULL AND db - da > 1 THEN
    RETURN substr(digits, (da + db + 1) / 2 + 1, 1);
  END IF;
  IF b IS NOT NULL AND length(b) > 1 THEN
    RETURN left(b, 1);
  END IF;
  RETURN substr(digits, da + 1, 1) || kanban_fi_midpoint(substr(a, 2), NULL);
END $$;

-- The integer part x plus one (null past the largest); step -1: minus one (null past the smallest).
CREATE FUNCTION kanban_fi_step(x text, step int) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  int_digits constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  head text := left(x, 1);
  wrap text := CASE WHEN step > 0 THEN '0' ELSE 'z' END;
  tail text := '';
  d int;
  hi int;
  h text;
  delta int;
BEGIN
  IF length(x) <> kanban_fi_int_length(head) THEN
    RAISE EXCEPTION 'invalid integer part of order key: %', x;
  END IF;
  FOR i IN REVERSE length(x) - 1..1 LOOP
    d := kanban_fi_digit(substr(x, i + 1, 1)) + step;
    IF d = 62 OR d = -1 THEN
      tail := wrap || tail;
    ELSE
      RETURN head || substr(x, 2, i - 1) || substr(digits, d + 1, 1) || tail;
    END IF;
  END LOOP;
  hi := strpos(int_digits, head) - 1;
  IF (step > 0 AND hi = 51) OR (step < 0 AND hi = 0) THEN
    RETURN NULL;
  END IF;
  h := substr(int_digits, hi + step + 1, 1);
  delta := kanban_fi_int_length(h) - kanban_fi_int_length(head);
  RETURN h || CASE WHEN delta > 0 THEN tail || wrap WHEN delta < 0 THEN substr(tail, 2) ELSE tail END;
END $$;

/** generateKeyBetween(a, b): a key strictly between a and b; null means no bound on that side. */
CREATE FUNCTION kanban_key_between(a text, b text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  t text;
  ia text;
  ib text;
  i text;
BEGIN
  IF a IS NOT NULL THEN PERFORM kanban_fi_validate(a); END IF;
  IF b IS NOT NULL THEN PERFORM kanban_fi_validate(b); END IF;
  IF a IS NOT NULL AND b IS NOT NULL AND a COLLATE "C" > b COLLATE "C" THEN
    t := a; a := b; b := t;
  END IF;
  IF a IS NULL THEN
    IF b IS NULL THEN
      RETURN 'a0';
    END IF;
    ib := kanban_fi_int_part(b);
    IF ib = 'A' || repeat('0', 26) THEN
      RETURN ib || kanban_fi_midpoint('', substr(b, length(ib) + 1));
    END IF;
    IF ib COLLATE "C" < b COLLATE "C" THEN
      RETURN ib;
    END IF;
    i := kanban_fi_step(ib, -1);
    IF i IS NULL THEN RAISE EXCEPTION 'cannot decrement any more'; END IF;
    RETURN i;
  END IF;
  ia := kanban_fi_int_part(a);
  IF b IS NULL THEN
    i := kanban_fi_step(ia, 1);
    RETURN coalesce(i, ia || kanban_fi_midpoint(substr(a, length(ia) + 1), NULL));
  END IF;
  ib := kanban_fi_int_part(b);
  IF ia = ib THEN
    RETURN ia || kanban_fi_midpoint(substr(a, length(ia) + 1), substr(b, length(ib) + 1));
  END IF;
  i := kanban_fi_step(ia, 1);
  IF i IS NULL THEN RAISE EXCEPTION 'cannot increment any more'; END IF;
  IF i COLLATE "C" < b COLLATE "C" THEN
    RETURN i;
  END IF;
  RETURN ia || kanban_fi_midpoint(substr(a, length(ia) + 1), NULL);
END $$;
