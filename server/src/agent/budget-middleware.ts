import { createMiddleware } from 'langchain';
import type { BudgetGuard } from './budget';

/**
 * Checks the budget before each model call of the agent loop, outermost in the middleware list
 * so a refused call never starts (no run row, no request to the provider). The refusal is thrown
 * as BudgetExceededError; the reply ends with its text (jobs/agent-reply.ts).
 */
export function budgetMiddleware(guard: BudgetGuard) {
  return createMiddleware({
    name: 'ReplyBudget',
    wrapModelCall: async (request, handler) => {
      await guard.beforeModelCall();
      return handler(request);
    },
  });
}
