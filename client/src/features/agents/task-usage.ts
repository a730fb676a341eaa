import { toNumber, usageOf } from './cost';

/**
 * A task's total: the task row's own columns (tokens_total, cost_usd, kept by the server in the
 * transaction of each model call) when it has them, else the sum of its replies' usage.
 */
export function taskUsage(
  task: Record<string, unknown>,
  messages: readonly Record<string, unknown>[],
): { tokens: number; costUsd: number } {
  const tokens = toNumber(task.tokens_total);
  const cost = toNumber(task.cost_usd);
  if (tokens !== undefined || cost !== undefined) return { tokens: tokens ?? 0, costUsd: cost ?? 0 };
  let sumTokens = 0;
  let sumCost = 0;
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    const u = usageOf(m);
    if (!u) continue;
    sumTokens += u.tokensIn + u.tokensOut;
    sumCost += u.costUsd;
  }
  return { tokens: sumTokens, costUsd: sumCost };
}
