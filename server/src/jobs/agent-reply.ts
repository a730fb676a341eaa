import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { abortableSleep } from '../agent/abortable-sleep';
import { DeltaCoalescer } from '../agent/coalescer';
import {
  backoffMs,
  CancelledError,
  classifyError,
  TooLongError,
  type ClassifiedError,
} from '../agent/errors';
import { createChatModel, modelChain, modelLabel } from '../agent/models';
import { buildPrompt } from '../agent/prompt';
import { mark } from '../agent/trace';
import { streamModel, type Usage } from '../agent/stream';
import type { ReplyMetrics } from '../metrics';
import type { ActiveRuns, Publisher } from './active-runs';
import type { Queryable } from './prepared';
import * as store from './reply-store';
import { MAX_CONTENT_CHARS } from './reply-store';

// One assistant reply, from queued to a terminal status, whatever happens on the way:
// fallbacks across providers, retries with backoff for transient errors before the first
// token, coalesced deltas to the task's room, checkpoints, cancel, shutdown and lost claims.

export interface ReplyDeps {
  config: Config;
  /** The worker's pool (asynchronous commit; the terminal write opts back in). */
  db: Queryable;
  log: Logger;
  publisher: Publisher;
  runs: ActiveRuns;
  metrics?: ReplyMetrics;
}

/** The abort reason when this process stops or loses the job: the reply ends interrupted. */
export class InterruptedError extends Error {}

/**
 * The job's claim was lost (pg-boss took it back): before the first token the reply is still
 * `queued` and its next attempt (or the reply watch, if none comes) owns it, so this run stops
 * without ending it; after, it ends interrupted (and keeps its text) like any interruption.
 */
class ClaimLostError extends InterruptedError {}

export async function runAgentReply(
  deps: ReplyDeps,
  messageId: string,
  jobSignal?: AbortSignal,
): Promise<void> {
  const { config, db } = deps;
  const ctx = await store.startReply(db, messageId);
  if (!ctx) return; // deleted with its task
  const m = ctx.message;
  const log = deps.log.child({ messageId, taskId: m.task_id });
  if (m.status !== 'queued' && m.status !== 'streaming') return;
  if (m.status === 'streaming') {
    // A previous worker died mid-stream (startReply closed its open run): its partial text is
    // kept, the reply cannot resume. A cancel it never got to act on is honoured.
    await store.finishReply(
      db,
      m,
      m.cancel_requested_at
        ? { status: 'cancelled' }
        : {
            status: 'interrupted',
            error: 'the worker running this reply stopped; the partial answer is kept',
          },
    );
    log.warn('reply interrupted by a lost worker');
    return;
  }
  if (!ctx.claimed) {
    await store.finishReply(db, m, { status: 'cancelled' });
    return;
  }
  mark(m.task_id, 'reply.claimed');
  const claimedAt = performance.now();

  const ctrl = new AbortController();
  const onJobAbort = () => ctrl.abort(new ClaimLostError('the job was taken away from this worker'));
  jobSignal?.addEventListener('abort', onJobAbort, { once: true });
  const out = new DeltaCoalescer(config.AGENT_COALESCE_MS, (d) =>
    deps.publisher.delta({ taskId: m.task_id, messageId: m.id, ...d }),
  );
  let firstToken: Promise<void> | undefined;
  const unregister = deps.runs.add({
    taskId: m.task_id,
    messageId: m.id,
    abort: (reason) => ctrl.abort(reason),
    text: () => out.text,
    streaming: () => firstToken !== undefined,
  });
  let saved = 0;
  const ticker = setInterval(() => {
    if (!firstToken || out.text.length === saved) return;
    saved = out.text.length;
    void store
      .checkpoint(db, m.id, out.text)
      .then((cancel) => cancel && ctrl.abort(new CancelledError()))
      .catch((err: unknown) => log.warn({ err }, 'checkpoint failed'));
  }, config.AGENT_CHECKPOINT_MS);

  const prompt = buildPrompt({
    systemPrompt: ctx.board.systemPrompt,
    task: ctx.task,
    history: ctx.history,
    budgetTokens: config.AGENT_HISTORY_TOKENS,
  });
  mark(m.task_id, 'reply.prompt');
  // Reply finished: the one place every path ends (status, usage and the run are in `end`/`run`).
  const finish = async (end: store.FinalState, run?: store.RunDone) => {
    out.flush();
    await firstToken;
    const done = await store.finishReply(db, m, { content: out.text, ...end }, run);
    // Ended first by another path (a lost claim's recovery, a cancel racing the claim): it still
    // keeps every character this worker sent to viewers.
    if (!done && out.text) await store.keepText(db, m.id, out.text);
    deps.metrics?.replyEnded(end.status, end.model, run?.usage);
  };
  let last: ClassifiedError | undefined;
  let attempts = 0;
  try {
    for (const ref of modelChain(config, ctx.task.model, ctx.board.defaultModel)) {
      const label = modelLabel(ref);
      for (let attempt = 1; attempt <= config.LLM_MAX_ATTEMPTS; attempt++) {
        attempts++;
        // Recorded while the request is on its way: the first token does not wait for it.
        const runId = randomUUID();
        // Its failure is handled here, at once: left pending until the stream ends, a rejection
        // is unhandled, which ends the process. The reply goes on without its run row.
        const started = store
          .startRun(db, runId, m, ref.provider, ref.model)
          .catch((err: unknown) => log.warn({ err }, 'could not record the model call'));
        let usage: Usage | undefined;
        mark(m.task_id, 'model.request');
        try {
          usage = await streamModel(createChatModel(config, ref), prompt, {
            signal: ctrl.signal,
            idleMs: config.LLM_IDLE_TIMEOUT_MS,
            onToken: (token) => {
              // First token: the one place it is seen (trace mark, the "streaming" write).
              if (!firstToken) {
                mark(m.task_id, 'model.firstChunk');
                deps.metrics?.firstToken(ref.provider, (performance.now() - claimedAt) / 1000);
              }
              firstToken ??= started
                .then(() => store.markFirstToken(db, m, runId, label))
                .catch((err: unknown) => log.warn({ err }, 'could not record the first token'));
              const t = token.replaceAll('\u0000', '\uFFFD'); // text columns cannot hold NUL (22021)
              const room = MAX_CONTENT_CHARS - out.text.length;
              if (t.length <= room) return out.push(t);
              // The row cannot hold more: keep what fits (never half a surrogate pair) and stop.
              const cut = /[\uD800-\uDBFF]/.test(t[room - 1] ?? '') ? room - 1 : room;
              out.push(t.slice(0, cut));
              ctrl.abort(new TooLongError(MAX_CONTENT_CHARS));
            },
          });
        } catch (err) {
          const c = (last = classifyError(err));
          await started;
          await store
            .finishRun(db, runId, {
              errorClass: err instanceof InterruptedError ? 'worker_lost' : c.errorClass,
              error: c.message,
            })
            .catch((e: unknown) => log.warn({ err: e }, 'could not record the end of the model call'));
          if (err instanceof ClaimLostError && !firstToken) return;
          if (err instanceof InterruptedError)
            return await finish({ status: 'interrupted', model: label, error: err.message });
          if (c.errorClass === 'cancelled') return await finish({ status: 'cancelled', model: label });
          if (err instanceof TooLongError)
            return await finish({ status: 'failed', model: label, error: err.message });
          if (firstToken)
            return await finish({
              status: 'failed',
              model: label,
              error: `${c.message} (after part of the answer; it is kept)`,
            });
          log.info(
            { provider: ref.provider, model: ref.model, attempt, errorClass: c.errorClass },
            'model call failed',
          );
          if (!c.transient || attempt === config.LLM_MAX_ATTEMPTS) break;
          await abortableSleep(
            backoffMs(attempt, config.LLM_RETRY_BASE_MS, config.LLM_RETRY_MAX_MS, c.retryAfterMs),
            ctrl.signal,
          );
          continue;
        }
        await started;
        // An empty answer.
        firstToken ??= store
          .markFirstToken(db, m, runId, label)
          .catch((err: unknown) => log.warn({ err }, 'could not record the first token'));
        // The run's end is written with the reply's, in one statement.
        return await finish(
          { status: 'completed', model: label, usage: usage ? { ...usage } : null },
          { id: runId, usage },
        );
      }
    }
    await finish({
      status: 'failed',
      error: `${last?.message ?? 'no model configured'} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    });
  } catch (err) {
    // A cancel or stop during backoff, or a database error: still end the reply.
    if (err instanceof ClaimLostError && !firstToken) return;
    const status =
      err instanceof CancelledError
        ? 'cancelled'
        : err instanceof InterruptedError
          ? 'interrupted'
          : 'failed';
    if (status === 'failed') log.error({ err }, 'reply failed unexpectedly');
    try {
      await finish({
        status,
        // Our own errors' words; anything else (say, a database error) is not for viewers.
        error:
          status === 'cancelled'
            ? null
            : status === 'interrupted'
              ? (err as Error).message
              : 'the reply stopped on an internal error; the partial answer is kept',
      });
    } catch (e) {
      // Not recorded (the database is away?): the job fails, and its retry ends the reply.
      log.error({ err: e }, 'could not record the end of a reply');
      throw e;
    }
  } finally {
    clearInterval(ticker);
    out.stop();
    unregister();
    jobSignal?.removeEventListener('abort', onJobAbort);
  }
}
