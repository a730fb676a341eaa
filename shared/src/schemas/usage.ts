import { z } from 'zod';
import { Id } from './common';

// Models, their prices, and the trace of one reply (server/src/agent/prices.ts, usage.ts).

/** A model the server offers (GET /api/models); prices in US dollars per million tokens. */
export const ModelInfo = z
  .object({
    /** What a task, agent or board stores: "provider:model", or "demo". */
    id: z.string(),
    label: z.string(),
    provider: z.enum(['demo', 'openai', 'anthropic', 'ollama']),
    priceIn: z.number(),
    priceOut: z.number(),
    /** The offline demo model (no provider is called). */
    demo: z.boolean(),
  })
  .meta({ id: 'ModelInfo' });
export type ModelInfo = z.infer<typeof ModelInfo>;

/** One step of a reply's run: a model call (each attempt) or a tool call, in the order they started. */
export const TraceStep = z
  .object({
    kind: z.enum(['model', 'tool']),
    /** The model ("provider:model") or the tool's name. */
    name: z.string(),
    model: z.string().optional(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    /** Null while it runs. */
    ms: z.number().nullable(),
    /** Time to the call's first streamed token (model calls that streamed text). */
    ttftMs: z.number().optional(),
    tokensIn: z.int().optional(),
    tokensOut: z.int().optional(),
    costUsd: z.number().optional(),
    /** running | succeeded | failed (model calls); the tool call's own status (tool calls). */
    status: z.string(),
    error: z.string().optional(),
    /** A model call on a fallback model (LLM_FALLBACKS) after the first failed. */
    fallback: z.boolean().optional(),
  })
  .meta({ id: 'TraceStep' });
export type TraceStep = z.infer<typeof TraceStep>;

export const Trace = z
  .object({
    messageId: Id,
    steps: z.array(TraceStep),
    totals: z.object({
      tokensIn: z.int(),
      tokensOut: z.int(),
      costUsd: z.number(),
      /** Model calls that returned (each tool round is one, the answer another). */
      rounds: z.int(),
      toolCalls: z.int(),
      fallbacks: z.int(),
      /** The reply's whole time, from its claim by a worker to its end (so far, while it runs). */
      ms: z.number().nullable(),
    }),
  })
  .meta({ id: 'Trace' });
export type Trace = z.infer<typeof Trace>;
