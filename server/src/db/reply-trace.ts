import { sql, type Kysely } from 'kysely';
import type { Trace, TraceStep } from '@kanban/shared';
import type { Database } from './schema';

// A reply's run as steps in the order they started: every model call attempt (agent_runs) and
// every tool call (tool_calls), with the totals a trace drawer shows.

type Db = Kysely<Database>;

const ms = (from: Date | null, to: Date | null) => (from && to ? to.getTime() - from.getTime() : null);

async function modelSteps(db: Db, messageId: string): Promise<TraceStep[]> {
  const runs = await db
    .selectFrom('agent_runs')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('started_at')
    .orderBy('attempt')
    .execute();
  return runs.map((r) => {
    const name = r.provider === 'demo' ? 'demo' : `${r.provider}:${r.model}`;
    const ttft = ms(r.started_at, r.first_token_at);
    return {
      kind: 'model',
      name,
      model: name,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      ms: ms(r.started_at, r.finished_at),
      ...(ttft !== null ? { ttftMs: ttft } : {}),
      ...(r.tokens_in !== null ? { tokensIn: r.tokens_in } : {}),
      ...(r.tokens_out !== null ? { tokensOut: r.tokens_out } : {}),
      ...(r.cost_estimate !== null ? { costUsd: Number(r.cost_estimate) } : {}),
      status: r.error_class ? 'failed' : r.finished_at ? 'succeeded' : 'running',
      ...(r.error ? { error: r.error } : {}),
      fallback: r.fallback,
    };
  });
}

// A tool call's time runs from its start (after an approval, if it asked) to its end; one that
// never started (waiting, denied) counts from its creation.
async function toolSteps(db: Db, messageId: string): Promise<TraceStep[]> {
  const calls = await db
    .selectFrom('tool_calls')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('created_at')
    .execute();
  return calls.map((c) => {
    const started = c.started_at ?? c.created_at;
    return {
      kind: 'tool',
      name: c.name,
      startedAt: started.toISOString(),
      finishedAt: c.finished_at?.toISOString() ?? null,
      ms: ms(started, c.finished_at),
      status: c.status,
      ...(c.error ? { error: c.error } : c.deny_reason ? { error: `denied: ${c.deny_reason}` } : {}),
    };
  });
}

/** The trace of one message (an assistant reply; a user message has no steps), or undefined. */
export async function replyTrace(db: Db, messageId: string): Promise<Trace | undefined> {
  const msg = await db
    .selectFrom('messages')
    .select(['id', 'started_at', 'finished_at', sql<Date>`now()`.as('now')])
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!msg) return undefined;
  const [models, tools] = await Promise.all([modelSteps(db, messageId), toolSteps(db, messageId)]);
  // Timestamps are to the millisecond: a model call and a tool call that started in the same one
  // are a fast tool and the model call after it (the call that asked for it started well before).
  const rank = (s: TraceStep) => (s.kind === 'tool' ? 0 : 1);
  const steps = [...models, ...tools].sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || rank(a) - rank(b),
  );
  const model = steps.filter((s) => s.kind === 'model');
  // Costs are summed in nanodollars: adding the floats of many tiny costs drifts.
  const nano = model.reduce((n, s) => n + Math.round((s.costUsd ?? 0) * 1e9), 0);
  return {
    messageId,
    steps,
    totals: {
      tokensIn: model.reduce((n, s) => n + (s.tokensIn ?? 0), 0),
      tokensOut: model.reduce((n, s) => n + (s.tokensOut ?? 0), 0),
      costUsd: nano / 1e9,
      rounds: model.filter((s) => s.status === 'succeeded').length,
      toolCalls: steps.length - model.length,
      fallbacks: model.filter((s) => s.fallback).length,
      ms: ms(msg.started_at, msg.finished_at ?? (msg.started_at ? msg.now : null)),
    },
  };
}
