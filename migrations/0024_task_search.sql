-- Full-text search over tasks (GET /api/search). The 'simple' configuration: no stemming or
-- stop words, so any language and code identifiers match as typed; prefixes match with :*.
-- An expression index rather than a stored tsvector column, so the tasks shape (every column
-- of the row) does not carry the vector to browsers. queries/search.ts uses this same expression.
CREATE INDEX tasks_search ON tasks USING gin (to_tsvector('simple', title || ' ' || description));
