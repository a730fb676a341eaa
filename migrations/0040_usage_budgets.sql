-- Tokens and cost of the agent's model calls, summed where people look at them (the reply, the
-- task) and where budgets read them (the board's month). All sums are written in the same
-- statement as the model call's own record (server/src/agent/usage.ts). Costs are exact numerics
-- in US dollars: a call of a few tokens costs millionths of a cent, which a fixed scale rounds away.

ALTER TABLE agent_runs
  ALTER COLUMN cost_estimate TYPE numeric,
  -- the call used a model after the first of the reply's chain (LLM_FALLBACKS)
  ADD COLUMN fallback boolean NOT NULL DEFAULT false;

-- Null until a model call of the reply reported its usage.
ALTER TABLE messages
  ADD COLUMN tokens_in  int CHECK (tokens_in >= 0),
  ADD COLUMN tokens_out int CHECK (tokens_out >= 0),
  ADD COLUMN cost_usd   numeric CHECK (cost_usd >= 0);

ALTER TABLE tasks
  ADD COLUMN cost_usd     numeric NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  ADD COLUMN tokens_total bigint  NOT NULL DEFAULT 0 CHECK (tokens_total >= 0);

-- A board's spend per calendar month (UTC), the monthly budget's counter: one row read per
-- check instead of a sum over every call of the month. Kept for the board, whatever happens
-- to its tasks (a deleted task's calls were still paid for).
CREATE TABLE board_spend (
  board_id   uuid    NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  month      date    NOT NULL CHECK (extract(day FROM month) = 1),
  cost_usd   numeric NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  tokens     bigint  NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  calls      int     NOT NULL DEFAULT 0,
  PRIMARY KEY (board_id, month)
);
