import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { abortableSleep } from '../agent/abortable-sleep';
import { DeltaCoalescer } from '../agent/coalescer';
import {
  backoffMs,
  CancelledError,
  classifyError,
  ProviderTimeoutError,
  TooLongError,
  type ClassifiedError,
} from '../agent/errors';
import { Command, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { Kysely } from 'kysely';
import { boardTools, enabledTools, toolActivity } from '../agent/board-tools';
import { budgetGuard, BudgetExceededError } from '../agent/budget';
import { budgetMiddleware } from '../agent/budget-middleware';
import { usageRecorder } from '../agent/usage';
import { replyRouting } from '../agent/routing-tools';
import type { AgentTriggers } from '../commands/agent-triggers';
import type { Database } from '../db/schema';
import { createChatModel, modelChain, modelLabel } from '../agent/models';
import { buildPrompt } from '../agent/prompt';
import { PipelinedSaver } from '../agent/pipelined-saver';
import { mark } from '../agent/trace';
import {
  createReplyAgent,
  hasCheckpoint,
  IdleWatchdog,
  roundsSoFar,
  runOutcome,
  streamAttempt,
  type ReplyAgent,
  type Usage,
} from '../agent/reply-agent';
import type { ReplyMetrics } from '../metrics';
import type { ActiveRuns, Publisher } from './active-runs';
import type { Queryable } from './prepared';
import * as store from './reply-store';
import { MAX_CONTENT_CHARS } from './reply-store';
import { toolCallsOf, waitForDecision } from './tool-call-store';
import { toolCallJson } from './tool-call-json';
import { toolRunner } from './tool-runner';

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
  /** LangGraph checkpoints of the runs (agent/checkpointer.ts). */
  checkpointer: BaseCheckpointSaver;
  /** The app's Kysely handle: the board tools run the REST commands on it (none without it). */
  commands?: Kysely<Database>;
  metrics?: ReplyMetrics;
  /** Sets agents to work from this reply's tools (mention, hooks, delegation: agent/routing-tools.ts). */
  triggers?: AgentTriggers;
}

/** The abort reason when this process stops or loses the job: the reply ends interrupted. */
export class InterruptedError extends Error {}

/**
 * The job's claim was lost (pg-boss took it back): before the first token the reply is still
 * `queued` and its next attempt (or the reply watch, if none comes) owns it, so this run stops
 * without ending it; after, it ends interrupted (and keeps its text) like any interruption.
 */
class ClaimLostError extends InterruptedError {}

/** An ended reply's checkpoints are no longer needed (its text and runs are rows). */
/** Without an agent row (every board has a default one) the reply gets the original three tools. */
const FALLBACK_TOOLS = { read_board: 'auto', move_task: 'auto', create_tasks: 'auto' } as const;

/** What the model reads for a denied call. */
function denied(row: { decided_by_name: string | null; deny_reason: string | null; name: string }) {
  const who = row.decided_by_name ?? 'a board member';
  return `The user denied this ${row.name} call (${who}${row.deny_reason ? `: ${row.deny_reason}` : ''}). It did not run.`;
}

/**
 * Where a run with a checkpoint carries on: paused for approvals → Command({ resume }) with the
 * decisions stored on its tool_calls rows (or 'wait' if one is still undecided); else from its
 * last checkpoint (null).
 */
async function resumeInput(
  db: Kysely<Database> | undefined,
  agent: ReplyAgent,
  messageId: string,
  approvals: string[],
): Promise<Command | null | 'wait'> {
  const outcome = await runOutcome(agent, messageId, approvals);
  if (!outcome.waiting.length || !db) return null;
  const rows = (await toolCallsOf(db, messageId)).filter((r) => r.round === outcome.round);
  const decisions = [];
  for (const call of outcome.waiting) {
    const row = rows.find((r) => r.call_id === call.id);
    if (!row || row.status === 'waiting') return 'wait';
    decisions.push(
      row.status === 'denied'
        ? { type: 'reject' as const, message: denied(row) }
        : { type: 'edit' as const, editedAction: { name: row.name, args: row.arguments } },
    );
  }
  return new Command({ resume: { decisions } });
}

function forgetThread(deps: ReplyDeps, messageId: string) {
  deps.checkpointer
    .deleteThread(messageId)
    .catch((err: unknown) => deps.log.warn({ err, messageId }, 'could not delete the run checkpoints'));
}

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
  if (m.status !== 'queued' && m.status !== 'streaming' && m.status !== 'executing') return;
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
    forgetThread(deps, m.id);
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
  // A resumed run (after an approval, or a crash in a tool round) continues the text viewers have.
  if (m.content) out.seed(m.content);
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

  // The agent's profile: its prompt, model, temperature, round limit and tools with their policy.
  const profile = ctx.agent;
  const policy: Record<string, string> = profile?.tools ?? FALLBACK_TOOLS;
  // Handoffs (the mention tool) and what the board tools' writes set off (hooks, delegation).
  const routing = replyRouting(deps, { ...m, agent_id: profile?.id ?? m.agent_id }, (text) => onToken(text));
  const tools = deps.commands
    ? enabledTools(
        [
          ...boardTools({
            db: deps.commands,
            taskId: m.task_id,
            boardId: ctx.task.board_id,
            agentId: profile?.id ?? null,
            agents: routing.agents,
          }),
          ...routing.tools,
        ],
        policy,
      )
    : [];
  const approvals = tools.filter((t) => policy[t.name] === 'ask').map((t) => t.name);
  const maxRounds = Math.min(profile?.max_rounds ?? config.AGENT_MAX_ROUNDS, config.AGENT_MAX_ROUNDS);
  const prompt = buildPrompt({
    systemPrompt: [ctx.board.systemPrompt, profile?.system_prompt].filter((p) => p?.trim()).join('\n\n'),
    task: ctx.task,
    history: ctx.history,
    budgetTokens: config.AGENT_HISTORY_TOKENS,
  });
  mark(m.task_id, 'reply.prompt');
  // Reply finished: the one place every path ends (status, usage and the run are in `end`/`run`).
  // Status writes of the run's steps, one after another (executing, thinking, streaming again).
  let steps: Promise<unknown> = Promise.resolve();
  let phase: 'model' | 'tools' | 'text' = 'model';
  const step = (next: typeof phase, write: () => Promise<unknown>) => {
    if (phase === next) return;
    phase = next;
    steps = steps
      .then(() => firstToken)
      .then(write)
      .catch((err: unknown) => log.warn({ err }, 'could not record a step of the reply'));
  };
  const finish = async (end: store.FinalState, run?: store.RunDone) => {
    out.flush();
    await firstToken;
    await steps;
    await spend.settled(); // the reply's sums are complete when it ends
    const done = await store.finishReply(db, m, { content: out.text, ...end }, run);
    // Ended first by another path (a lost claim's recovery, a cancel racing the claim): it still
    // keeps every character this worker sent to viewers.
    if (!done && out.text) await store.keepText(db, m.id, out.text);
    deps.metrics?.replyEnded(end.status, end.model, run?.usage);
    forgetThread(deps, m.id);
  };
  // Model hooks stay simple here: the task's model, else the agent's, else the board's, else config.
  const chain = modelChain(config, ctx.task.model ?? profile?.model ?? null, ctx.board.defaultModel);
  // Budgets before the run and each further model call; tokens and cost as each call returns.
  const budget = budgetGuard(db, m.task_id, ctx.board);
  const spend = usageRecorder({ db, config, log }, m.task_id);
  let ref = chain[0]!;
  let label = modelLabel(ref);
  // The model call in flight: its run row (written while the request is on its way, so the
  // first token does not wait for it) and, once it returned, its usage.
  let call: { id: string; started: Promise<void> } | undefined;
  let answer: store.RunDone | undefined;
  const usage: Usage = {};
  // A model call that returned: a tool round's run ends now, the answer's with the reply.
  // The calls of the last model answer (what the card says while they run).
  let roundCalls: { name: string; args?: Record<string, unknown> }[] = [];
  // Model calls of the run that returned (the thread's, on a resumed run): a tool call's round.
  let rounds = 0;
  // The round limit ended the run (ReplyRoundLimit answered with its note).
  let roundLimited = false;
  const ended = (message: {
    tool_calls?: { name: string; args?: Record<string, unknown> }[];
    usage_metadata?: Usage;
  }) => {
    roundCalls = message.tool_calls ?? [];
    rounds++;
    const done = call!;
    call = undefined;
    const u = message.usage_metadata;
    spend.record(done, ref, u);
    for (const k of ['input_tokens', 'output_tokens', 'total_tokens'] as const)
      if (u?.[k] !== undefined) usage[k] = (usage[k] ?? 0) + u[k];
    if (!message.tool_calls?.length) return void (answer = { id: done.id, usage: u });
    void done.started
      .then(() => store.finishRun(db, done.id, { usage: u }))
      .catch((err: unknown) => log.warn({ err }, 'could not record the end of the model call'));
  };
  let attemptCtrl = new AbortController();
  const watchdog = new IdleWatchdog(config.LLM_IDLE_TIMEOUT_MS, () =>
    attemptCtrl.abort(new ProviderTimeoutError(config.LLM_IDLE_TIMEOUT_MS)),
  );
  // The worker's saver: the run's checkpoints held until needed, a tool call's written first.
  const saver = deps.checkpointer instanceof PipelinedSaver ? deps.checkpointer : undefined;
  const runTool = deps.commands
    ? toolRunner({
        db: deps.commands,
        log,
        publish: (row) => deps.publisher.toolCall(row),
        signal: ctrl.signal,
        reply: {
          boardId: ctx.task.board_id,
          taskId: m.task_id,
          messageId: m.id,
          agentId: profile?.id ?? null,
        },
        round: () => rounds,
      })
    : undefined;
  const agent = createReplyAgent({
    checkpointer: deps.checkpointer,
    maxRounds,
    outer: [budgetMiddleware(budget)],
    tools,
    approvals,
    toolCall: runTool
      ? async (call, execute) => {
          // The round's first call shows what the round does: "moving 3 cards…".
          const calls = roundCalls.length ? roundCalls : [call];
          step('tools', () => store.setPhase(db, m, { task: 'executing', message: toolActivity(calls) }));
          // The checkpoint with the model answer that asked for this call is committed before
          // the call runs: a crash from here on resumes with this call's id (never runs it twice).
          await saver?.writesSettled(m.id);
          return runTool(call, execute);
        }
      : undefined,
    hooks: {
      model: () => createChatModel(config, ref, profile?.temperature),
      started: () => {
        step('model', () => store.setPhase(db, m, { task: 'thinking' }));
        const id = randomUUID();
        // Its failure is handled here, at once: left pending until the stream ends, a rejection
        // is unhandled, which ends the process. The reply goes on without its run row.
        const started = store
          .startRun(db, id, m, ref.provider, ref.model, ref !== chain[0])
          .catch((err: unknown) => log.warn({ err }, 'could not record the model call'));
        call = { id, started };
        mark(m.task_id, 'model.request');
        watchdog.arm();
      },
      ended: (message) => {
        watchdog.disarm();
        ended(message);
      },
      rounds: () => rounds,
      limited: () => (roundLimited = true),
    },
  });
  mark(m.task_id, 'reply.agent');
  const onToken = (token: string) => {
    // First token: the one place it is seen (trace mark, the "streaming" write).
    if (!firstToken) {
      mark(m.task_id, 'model.firstChunk');
      deps.metrics?.firstToken(ref.provider, (performance.now() - claimedAt) / 1000);
      const started = call?.started ?? Promise.resolve();
      const runId = call?.id ?? '';
      firstToken = started
        .then(() => store.markFirstToken(db, m, runId, label))
        .catch((err: unknown) => log.warn({ err }, 'could not record the first token'));
      phase = 'text';
    } else step('text', () => store.setPhase(db, m, { task: 'streaming' }));
    const t = token.replaceAll('\u0000', '\uFFFD'); // text columns cannot hold NUL (22021)
    const room = MAX_CONTENT_CHARS - out.text.length;
    if (t.length <= room) return out.push(t);
    // The row cannot hold more: keep what fits (never half a surrogate pair) and stop.
    const cut = /[\uD800-\uDBFF]/.test(t[room - 1] ?? '') ? room - 1 : room;
    out.push(t.slice(0, cut));
    ctrl.abort(new TooLongError(MAX_CONTENT_CHARS));
  };

  // The run waits for decisions on `ask` calls: their rows say `waiting`, the reply and the task
  // `waiting_for_user`. Nothing is lost if the whole app restarts now: the run is a Postgres
  // checkpoint and the decisions are rows; approve/deny sends the job that resumes it.
  const pause = async (outcome?: Awaited<ReturnType<typeof runOutcome>>) => {
    out.flush();
    await firstToken;
    await steps;
    if (outcome && deps.commands) {
      const rows = await waitForDecision(
        deps.commands,
        outcome.waiting.map((c) => ({
          boardId: ctx.task.board_id,
          taskId: m.task_id,
          messageId: m.id,
          agentId: profile?.id ?? null,
          callId: c.id ?? `${c.name}#${outcome.round}`,
          round: outcome.round,
          name: c.name,
          args: c.args,
        })),
      );
      for (const r of rows) deps.publisher.toolCall(toolCallJson(r));
    }
    const names = [...new Set((outcome?.waiting ?? []).map((c) => c.name))].join(', ');
    await store.setPhase(db, m, {
      task: 'waiting_for_user',
      message: `waiting for approval${names ? `: ${names}` : ''}`,
      content: out.text,
    });
    log.info({ calls: outcome?.waiting.length }, 'reply waiting for approval');
  };

  let last: ClassifiedError | undefined;
  let attempts = 0;
  try {
    await budget.beforeRun();
    // A job run again (its worker died before the first token or in a tool round), or the job
    // of an approval, resumes the run from its checkpoint.
    // A reply never claimed before (`m` is the row as it was before this claim) has none: its
    // thread is its id, and only a claimed run writes checkpoints. Two reads less on the way to
    // the model for every new reply.
    const resumed = m.started_at !== null && (await hasCheckpoint(deps.checkpointer, m.id));
    // Nor does LangGraph's own read of the thread's last checkpoint as the run starts.
    if (m.started_at === null) saver?.expectNew(m.id);
    // The run's checkpoints stay in memory until a tool call or a read needs them written
    // (PipelinedSaver.hold): a reply that only answers writes none. A pause is known only from a
    // read of the thread (runOutcome), so its interrupt is in the database before it is recorded. A crash loses only
    // steps since the last tool round began, which a resumed run does again (a model call that
    // streamed no text yet, or tool calls that tool_calls rows show as done), and one after the
    // first token ends the reply interrupted whatever the checkpoint holds.
    saver?.hold(m.id);
    if (resumed) rounds = await roundsSoFar(agent, m.id);
    const first = resumed ? await resumeInput(deps.commands, agent, m.id, approvals) : { messages: prompt };
    if (first === 'wait') return await pause(); // undecided calls: still waiting
    let input: Parameters<typeof streamAttempt>[1] = first;
    mark(m.task_id, 'reply.stream');
    for (let i = 0; i < chain.length; i++) {
      ref = chain[i]!;
      label = modelLabel(ref);
      for (let attempt = 1; attempt <= config.LLM_MAX_ATTEMPTS; attempt++) {
        attempts++;
        attemptCtrl = new AbortController();
        const onAbort = () => attemptCtrl.abort(ctrl.signal.reason);
        if (ctrl.signal.aborted) onAbort();
        ctrl.signal.addEventListener('abort', onAbort, { once: true });
        try {
          await streamAttempt(agent, input, watchdog, attemptCtrl, {
            threadId: m.id,
            onToken,
          });
        } catch (err) {
          // Another attempt resumes from the checkpoint: the failed model call runs again.
          input = null;
          if (approvals.length) {
            const next = await resumeInput(deps.commands, agent, m.id, approvals).catch(() => null);
            input = next === 'wait' ? null : next;
          }
          const failed = call;
          call = undefined;
          if (!failed) throw err; // not a model call's error (the checkpointer's, say)
          const c = (last = classifyError(err));
          await failed.started;
          await store
            .finishRun(db, failed.id, {
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
        } finally {
          ctrl.signal.removeEventListener('abort', onAbort);
        }
        if (ctrl.signal.aborted) throw ctrl.signal.reason; // aborted between model calls
        // Only humanInTheLoopMiddleware interrupts a run, right after a model answer that asks
        // for an `ask` tool. Unless the last answer did, the run ended, and our round limit says
        // whether it ended it: no checkpoint read and decode on every reply's way out.
        const mayWait = roundCalls.some((c) => (approvals as string[]).includes(c.name));
        const outcome = mayWait
          ? await runOutcome(agent, m.id, approvals)
          : { waiting: [], round: 0, roundLimit: roundLimited };
        // Paused by humanInTheLoopMiddleware: the calls wait as rows; the job ends, the reply stays open.
        if (outcome.waiting.length) return await pause(outcome);
        // The round limit ended the run (its note is not streamed): say so.
        if (outcome.roundLimit)
          onToken(
            `${out.text ? '\n\n' : ''}_(Stopped: this agent may call the model ${maxRounds} time${maxRounds === 1 ? '' : 's'} per reply, and the last call still asked for tools.)_`,
          );
        // An empty answer.
        firstToken ??= Promise.resolve(answer && store.markFirstToken(db, m, answer.id, label)).catch(
          (err: unknown) => log.warn({ err }, 'could not record the first token'),
        );
        // The answer's run ends with the reply, in one statement.
        return await finish(
          { status: 'completed', model: label, usage: Object.keys(usage).length ? { ...usage } : null },
          answer,
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
    if (err instanceof BudgetExceededError) {
      // Over a cap before a model call: the reply says so (viewers get it as a delta too).
      out.push(`${out.text ? '\n\n' : ''}${err.message}`);
      return await finish({ status: 'completed' });
    }
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
    saver?.release(m.id);
    clearInterval(ticker);
    out.stop();
    unregister();
    jobSignal?.removeEventListener('abort', onJobAbort);
  }
}
