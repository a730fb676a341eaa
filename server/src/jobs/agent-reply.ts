import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { DeltaCoalescer } from '../agent/coalescer';
import { backoffMs, CancelledError, classifyError, type ClassifiedError } from '../agent/errors';
import { createChatModel, modelChain, modelLabel } from '../agent/models';
import { buildPrompt } from '../agent/prompt';
import { mark } from '../agent/trace';
import { streamModel, type Usage } from '../agent/stream';
import type { ActiveRuns, Publisher } from './active-runs';
import type { Queryable } from './prepared';
import * as store from './reply-store';

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
}

/** The abort reason when this process stops or loses the job: the reply ends interrupted. */
export class InterruptedError extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });

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
    // kept, the reply cannot resume.
    await store.finishReply(db, m, {
      status: 'interrupted',
      error: 'the worker running this reply stopped; the partial answer is kept',
    });
    log.warn('reply interrupted by a lost worker');
    return;
  }
  if (!ctx.claimed) {
    await store.finishReply(db, m, { status: 'cancelled' });
    return;
  }
  mark(m.task_id, 'reply.claimed');

  const ctrl = new AbortController();
  const onJobAbort = () => ctrl.abort(new InterruptedError('the job was taken away from this worker'));
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
  const finish = async (end: store.FinalState, run?: store.RunDone) => {
    out.flush();
    await firstToken?.catch(() => undefined);
    await store.finishReply(db, m, { content: out.text, ...end }, run);
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
        const started = store.startRun(db, runId, m, ref.provider, ref.model);
        // Awaited below; a database error meanwhile must not become an unhandled rejection.
        started.catch(() => undefined);
        let usage: Usage | undefined;
        mark(m.task_id, 'model.request');
        try {
          usage = await streamModel(createChatModel(config, ref), prompt, {
            signal: ctrl.signal,
            idleMs: config.LLM_IDLE_TIMEOUT_MS,
            onToken: (t) => {
              if (!firstToken) mark(m.task_id, 'model.firstChunk');
              if (!firstToken) {
                firstToken = started.then(() => store.markFirstToken(db, m, runId, label));
                firstToken.catch(() => undefined); // awaited (and its error handled) in finish
              }
              out.push(t);
            },
          });
        } catch (err) {
          const c = (last = classifyError(err));
          await started;
          await store.finishRun(db, runId, {
            errorClass: err instanceof InterruptedError ? 'worker_lost' : c.errorClass,
            error: c.message,
          });
          if (err instanceof InterruptedError)
            return await finish({ status: 'interrupted', model: label, error: err.message });
          if (c.errorClass === 'cancelled') return await finish({ status: 'cancelled', model: label });
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
          await sleep(
            backoffMs(attempt, config.LLM_RETRY_BASE_MS, config.LLM_RETRY_MAX_MS, c.retryAfterMs),
            ctrl.signal,
          );
          continue;
        }
        await started;
        if (!firstToken) firstToken = store.markFirstToken(db, m, runId, label); // an empty answer
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
    const status =
      err instanceof CancelledError
        ? 'cancelled'
        : err instanceof InterruptedError
          ? 'interrupted'
          : 'failed';
    if (status === 'failed') log.error({ err }, 'reply failed unexpectedly');
    await finish({
      status,
      error: status === 'cancelled' ? null : String((err as Error).message ?? err),
    }).catch((e: unknown) => {
      log.error({ err: e }, 'could not record the end of a reply');
      // Fail the job rather than complete it: its retry ends the reply (a completed job over a
      // `streaming` row was a reply stuck for good after a Postgres crash).
      throw e;
    });
  } finally {
    clearInterval(ticker);
    out.stop();
    unregister();
    jobSignal?.removeEventListener('abort', onJobAbort);
  }
}
