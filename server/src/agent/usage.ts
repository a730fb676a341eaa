import type { Logger } from 'pino';
import type { Config } from '../config';
import { prepared, type Queryable } from '../jobs/prepared';
import type { ModelRef } from './models';
import { costOf, priceOf } from './prices';

// Tokens and cost of each model call, written when the call returns, in ONE statement with the
// sums people and budgets read: the call's agent_runs row, the reply (messages), the task, and
// the board's month (board_spend). The run row is the guard: a call is counted once, even if
// its end were reported twice.

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
}

// The task row is locked first, the order every writer of tasks and messages keeps
// (commands/message-locks.ts). The month is UTC: budgets reset at the same moment everywhere.
const RECORD_USAGE = prepared(`
  WITH lock AS (SELECT id, board_id FROM tasks WHERE id = $5 FOR NO KEY UPDATE),
  run AS (
    UPDATE agent_runs SET tokens_in = $2, tokens_out = $3, cost_estimate = $4::numeric
    WHERE id = $1 AND cost_estimate IS NULL AND EXISTS (SELECT 1 FROM lock)
    RETURNING message_id
  ),
  msg AS (
    UPDATE messages SET tokens_in = coalesce(tokens_in, 0) + $2, tokens_out = coalesce(tokens_out, 0) + $3,
      cost_usd = coalesce(cost_usd, 0) + $4::numeric
    WHERE id = (SELECT message_id FROM run)
  ),
  task AS (
    UPDATE tasks SET cost_usd = cost_usd + $4::numeric, tokens_total = tokens_total + $2 + $3
    WHERE id = $5 AND EXISTS (SELECT 1 FROM run)
    RETURNING board_id
  )
  INSERT INTO board_spend AS s (board_id, month, cost_usd, tokens, calls)
  SELECT board_id, date_trunc('month', now() AT TIME ZONE 'UTC')::date, $4::numeric, $2 + $3, 1 FROM task
  ON CONFLICT (board_id, month) DO UPDATE SET cost_usd = s.cost_usd + EXCLUDED.cost_usd,
    tokens = s.tokens + EXCLUDED.tokens, calls = s.calls + 1`);

const whole = (n: number | undefined) => (Number.isFinite(n) && n! > 0 ? Math.round(n!) : 0);

/** One model call's usage and cost, with every sum, in one statement. */
export async function recordUsage(
  db: Queryable,
  config: Pick<Config, 'AGENT_PRICES' | 'LLM_PROVIDER'>,
  call: { runId: string; taskId: string; ref: ModelRef },
  usage: Usage,
): Promise<void> {
  const tin = whole(usage.input_tokens);
  const tout = whole(usage.output_tokens);
  const cost = costOf(priceOf(config, call.ref), tin, tout);
  await db.query(RECORD_USAGE([call.runId, tin, tout, cost, call.taskId]));
}

/**
 * The usage writes of one reply: each model call's is started when the call returns (after its
 * run row's insert), and the reply's terminal write waits for them, so a finished reply's sums
 * are complete when viewers see it end.
 */
export function usageRecorder(
  deps: { db: Queryable; config: Pick<Config, 'AGENT_PRICES' | 'LLM_PROVIDER'>; log: Logger },
  taskId: string,
) {
  const pending = new Set<Promise<void>>();
  return {
    record(run: { id: string; started: Promise<void> }, ref: ModelRef, usage: Usage | undefined) {
      // A provider that reports no usage: the call is recorded without tokens or cost.
      if (!usage) return;
      const p = run.started
        .then(() => recordUsage(deps.db, deps.config, { runId: run.id, taskId, ref }, usage))
        .catch((err: unknown) => deps.log.warn({ err }, 'could not record the usage of a model call'))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async settled(): Promise<void> {
      await Promise.all([...pending]);
    },
  };
}
