import type { BoardSettings } from '@kanban/shared';
import { prepared, type Queryable } from '../jobs/prepared';

// A board's spending caps (settings.monthlyBudgetUsd, settings.taskBudgetUsd), checked before a
// reply's run starts and before each further model call (budget-middleware.ts). Over a cap the
// reply says so in plain words and nothing is sent to the provider. Caps are read fresh at every
// check, so an owner who raises one mid-run lets the next call through.

/** The reply ends with this text (completed): a cap was reached before a model call. */
export class BudgetExceededError extends Error {}

// The month's counter is board_spend (agent/usage.ts), in UTC months.
const BUDGET = prepared(`
  SELECT t.cost_usd::text AS task_spent,
    (b.settings->>'taskBudgetUsd')::numeric::text AS task_cap,
    t.cost_usd >= (b.settings->>'taskBudgetUsd')::numeric AS task_over,
    s.spent::text AS month_spent,
    (b.settings->>'monthlyBudgetUsd')::numeric::text AS month_cap,
    s.spent >= (b.settings->>'monthlyBudgetUsd')::numeric AS month_over,
    to_char(now() AT TIME ZONE 'UTC', 'FMMonth YYYY') AS month
  FROM tasks t JOIN boards b ON b.id = t.board_id,
    LATERAL (SELECT coalesce((SELECT cost_usd FROM board_spend WHERE board_id = t.board_id
      AND month = date_trunc('month', now() AT TIME ZONE 'UTC')::date), 0) AS spent) s
  WHERE t.id = $1`);

interface BudgetRow {
  task_spent: string;
  task_cap: string | null;
  task_over: boolean | null;
  month_spent: string;
  month_cap: string | null;
  month_over: boolean | null;
  month: string;
}

/** "$5.02"; amounts under a cent keep their first significant digits ("$0.00042"). */
export function usd(amount: string | number): string {
  const n = Number(amount);
  if (n === 0 || n >= 0.01) return `$${n.toFixed(2)}`;
  return `$${Number(n.toPrecision(2)).toString()}`;
}

/** The refusal, or null when no cap is reached. */
export async function overBudget(db: Queryable, taskId: string): Promise<string | null> {
  const { rows } = await db.query<BudgetRow>(BUDGET([taskId]));
  const r = rows[0];
  if (!r) return null; // the task is gone; the reply ends elsewhere
  const raise = 'no request was sent to the model. A board owner can raise it in the board settings.';
  if (r.month_over)
    return `This board has used ${usd(r.month_spent)} of its ${usd(r.month_cap!)} monthly budget for ${r.month}; ${raise}`;
  if (r.task_over)
    return `This task has used ${usd(r.task_spent)} of its ${usd(r.task_cap!)} budget; ${raise}`;
  return null;
}

/**
 * The checks of one reply's run. `beforeRun` may skip the query when the board's settings, read
 * by the reply's start a moment ago, set no cap (the path to the first token stays one
 * statement shorter); `beforeModelCall` checks every call after the first of this run (the first
 * is what `beforeRun` just checked).
 */
export function budgetGuard(db: Queryable, taskId: string, settings: BoardSettings | null | undefined) {
  let calls = 0;
  const check = async () => {
    const refusal = await overBudget(db, taskId);
    if (refusal) throw new BudgetExceededError(refusal);
  };
  return {
    async beforeRun(): Promise<void> {
      if (settings?.monthlyBudgetUsd == null && settings?.taskBudgetUsd == null) return;
      await check();
    },
    async beforeModelCall(): Promise<void> {
      if (calls++ === 0) return;
      await check();
    },
  };
}

export type BudgetGuard = ReturnType<typeof budgetGuard>;
