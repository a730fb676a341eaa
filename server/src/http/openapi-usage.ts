import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { Id, ModelInfo, Trace } from '@kanban/shared';

// Paths of the models, budgets and traces (docs/agents.md "Budgets, traces, models"); joined into
// the document by openapi.ts. Budgets themselves are board settings (PATCH /api/boards/{id}).

const Problem = z.object({ type: z.string(), title: z.string(), status: z.int(), detail: z.string() });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const ok = (data: z.ZodType) => ({
  description: 'OK',
  content: { 'application/json': { schema: z.object({ data }) } },
});

export const usagePaths: ZodOpenApiPathsObject = {
  '/api/models': {
    get: {
      summary:
        'The models a task, agent or board may name (the configured one, its fallbacks, every priced ' +
        'model, the offline demo), with prices in US dollars per million tokens',
      responses: { '200': ok(z.array(ModelInfo)) },
    },
  },
  '/api/messages/{id}/trace': {
    get: {
      summary:
        "A reply's run in order: each model call (tokens, cost, time to first token, fallback) and " +
        'each tool call, with totals',
      requestParams: { path: z.object({ id: Id }) },
      responses: {
        '200': ok(Trace),
        '400': problem('Invalid input'),
        '404': problem('Unknown id'),
      },
    },
  },
};
