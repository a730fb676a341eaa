import type { BaseCheckpointSaver, Command } from '@langchain/langgraph';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage, type ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import type { StructuredToolInterface } from '@langchain/core/tools';
import {
  createAgent,
  createMiddleware,
  humanInTheLoopMiddleware,
  MiddlewareError,
  type AnyAgentMiddleware,
  type InterruptOnConfig,
} from 'langchain';

// The agent loop of a reply is LangChain's `createAgent`: model call → tools → model call, until
// the model answers without a tool call or the round limit ends it. Our part is a middleware
// around each model call (which model of the fallback chain it uses, the round limit, and the
// hooks that record it), one around each tool call (wrapToolCall: the tool_calls row, jobs/tool-runner.ts), LangChain's
// humanInTheLoopMiddleware for the tools the agent must ask before using, and the streaming of
// one attempt with an idle watchdog.

export interface ModelCallHooks {
  /** The model the next call uses (the reply's retry loop moves along the fallback chain). */
  model(): BaseChatModel;
  /** A model call starts (its run row is written, the idle watchdog armed). */
  started(): void;
  /** It returned a whole message: a tool round (it has tool calls) or the answer. */
  ended(message: AIMessage): void;
  /** The model calls of this reply's thread that returned so far (across attempts and resumes). */
  rounds(): number;
  /** The round limit answered instead of the model (its note ends the run). */
  limited?(): void;
}

/** Runs one tool call: `execute` runs the tool itself (LangChain's handler). */
export type ToolCallHook = (
  call: ToolCall,
  execute: () => Promise<ToolMessage | Command>,
) => Promise<ToolMessage | Command>;

/**
 * The model calls of this run in `messages` (the answers after the user message it replies to).
 * Read from the checkpoint: the state a tool call's middleware sees can lag one message behind.
 */
export function roundOf(messages: readonly BaseMessage[]): number {
  let n = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i]!.getType() !== 'human'; i--)
    if (AIMessage.isInstance(messages[i])) n++;
  return n;
}

const messagesOf = (values: unknown): BaseMessage[] =>
  (values as { messages?: BaseMessage[] } | undefined)?.messages ?? [];

/** The model calls the thread's last checkpoint holds (0 for a new run). */
export async function roundsSoFar(agent: ReplyAgent, threadId: string): Promise<number> {
  const snap = await agent.graph.getState({ configurable: { thread_id: threadId } });
  return roundOf(messagesOf(snap.values));
}

export interface ReplyAgentOptions {
  hooks: ModelCallHooks;
  checkpointer: BaseCheckpointSaver;
  /** Model calls per reply (counted by hooks.rounds: retries and resumes continue the count). */
  maxRounds: number;
  tools?: StructuredToolInterface[];
  /** Tool names whose calls wait for an editor's approval (the agent's `ask` policy). */
  approvals?: string[];
  toolCall?: ToolCallHook;
  /** Middleware around all of ours (outermost first): the budget check (agent/budget-middleware.ts). */
  outer?: AnyAgentMiddleware[];
}

// Every decision is allowed: approve, approve with edited arguments, deny with a reason.
const REVIEW: InterruptOnConfig = { allowedDecisions: ['approve', 'edit', 'reject'] };

/** The round limit's note, in modelCallLimitMiddleware's words (runOutcome looks for its prefix). */
const roundLimitNote = (calls: number) =>
  new AIMessage(`${ROUND_LIMIT_PREFIX}: thread level call limit reached with ${calls} model calls`);

export function createReplyAgent(o: ReplyAgentOptions) {
  // The round limit, here rather than LangChain's modelCallLimitMiddleware: that one is three
  // graph nodes (before/after model, after agent) with their own state, so three more steps,
  // each a checkpoint write awaited before the next, on every reply: most of the worker's CPU
  // per reply went to checkpoint writes (docs/performance.md). A wrapModelCall adds no node.
  // Answering with the note (no tool calls) ends the loop as its exitBehavior 'end' did; the note
  // is not streamed. Outermost, as that beforeModel node was: no budget check for a call that
  // will not be made.
  const limit = createMiddleware({
    name: 'ReplyRoundLimit',
    wrapModelCall: async (request, handler) => {
      const done = o.hooks.rounds();
      if (done < o.maxRounds) return handler(request);
      o.hooks.limited?.();
      return roundLimitNote(done);
    },
  });
  const calls = createMiddleware({
    name: 'ReplyModelCalls',
    wrapModelCall: async (request, handler) => {
      o.hooks.started();
      const response = await handler({ ...request, model: o.hooks.model() });
      if (AIMessage.isInstance(response)) o.hooks.ended(response);
      return response;
    },
    wrapToolCall: (request, handler) =>
      o.toolCall ? o.toolCall(request.toolCall, async () => handler(request)) : handler(request),
  });
  const approvals = o.approvals ?? [];
  const middleware = [
    limit,
    ...(o.outer ?? []),
    calls,
    // The run pauses (a LangGraph interrupt, kept in the Postgres checkpoint) right after the
    // model asked for such a call, before any tool of that round runs; Command({ resume })
    // with the decisions carries on, in whatever process picks up the resume job.
    ...(approvals.length
      ? [humanInTheLoopMiddleware({ interruptOn: Object.fromEntries(approvals.map((n) => [n, REVIEW])) })]
      : []),
  ] as readonly AnyAgentMiddleware[];
  // streamAttempt runs the compiled graph itself, which skips the agent's set-up of middleware
  // state: right only while no middleware has any. One that does must not pass silently.
  const stateful = middleware.find((m) => m.stateSchema !== undefined);
  if (stateful) throw new Error(`middleware ${stateful.name} has state: run it through agent.stream`);
  return createAgent({
    model: o.hooks.model(),
    tools: o.tools ?? [],
    checkpointer: o.checkpointer,
    middleware,
  });
}

export type ReplyAgent = ReturnType<typeof createReplyAgent>;

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

export interface AttemptOptions {
  /** The reply's message id: one LangGraph thread per reply. */
  threadId: string;
  onToken(text: string): void;
}

/** Starts the watchdog for a model call and stops it when the call ends (tools may take longer). */
export class IdleWatchdog {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, this.ms);
  }
  /** Re-arms only while a call is being watched. */
  poke(): void {
    if (this.timer) this.arm();
  }
  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** How a run that returned stands in its checkpoint. */
export interface RunOutcome {
  /** Paused on humanInTheLoopMiddleware's interrupt: the calls that wait, in the interrupt's order. */
  waiting: ToolCall[];
  /** The round those calls belong to. */
  round: number;
  /** Ended by the round limit (its note is the last message). */
  roundLimit: boolean;
}

export const ROUND_LIMIT_PREFIX = 'Model call limits exceeded';

export async function runOutcome(
  agent: ReplyAgent,
  threadId: string,
  approvals: string[],
): Promise<RunOutcome> {
  const snap = await agent.graph.getState({ configurable: { thread_id: threadId } });
  const messages = messagesOf(snap.values);
  const interrupted = snap.tasks.some((t) => (t.interrupts?.length ?? 0) > 0);
  const last = messages.at(-1);
  const roundLimit =
    !interrupted &&
    !!last &&
    AIMessage.isInstance(last) &&
    typeof last.content === 'string' &&
    last.content.startsWith(ROUND_LIMIT_PREFIX);
  if (!interrupted) return { waiting: [], round: 0, roundLimit };
  // The same selection humanInTheLoopMiddleware makes: the last model message's calls of `ask` tools.
  const ai = [...messages].reverse().find((m): m is AIMessage => AIMessage.isInstance(m));
  const waiting = (ai?.tool_calls ?? []).filter((c) => approvals.includes(c.name));
  return { waiting, round: roundOf(messages), roundLimit: false };
}

/** Whether the thread already has a checkpoint: a job run again resumes it instead of starting over. */
export async function hasCheckpoint(checkpointer: BaseCheckpointSaver, threadId: string) {
  return (await checkpointer.getTuple({ configurable: { thread_id: threadId } })) !== undefined;
}

/**
 * Streams one attempt of the run: from `input` (the prompt), or with `null` from the thread's last
 * checkpoint (which runs the failed model call again). Rejects with the abort's reason (cancel,
 * shutdown, idle, too long) rather than a generic abort, and with the provider's own error rather
 * than LangChain's middleware wrapper, so the caller can classify it.
 */
export async function streamAttempt(
  agent: ReplyAgent,
  input: { messages: BaseMessage[] } | Command | null,
  watchdog: IdleWatchdog,
  ctrl: AbortController,
  o: AttemptOptions,
): Promise<void> {
  try {
    // The compiled graph's own stream, not agent.stream: that one first reads the thread's
    // state (a checkpoint read, on the way to every new reply's model call) to merge middleware
    // state defaults into the input, and ours have none (createReplyAgent checks); the rest it
    // adds is LangSmith metadata, and nothing here traces to LangSmith.
    const stream = await agent.graph.stream(input, {
      configurable: { thread_id: o.threadId },
      streamMode: 'messages',
      signal: ctrl.signal,
      // Each step waits for its checkpoint write (a held thread's is only serialised then:
      // PipelinedSaver.hold; a tool call waits for the thread's writes to be in the database).
      durability: 'sync',
    });
    for await (const [chunk] of stream) {
      watchdog.poke();
      if (!AIMessageChunk.isInstance(chunk)) continue; // tool results and whole messages
      const text = typeof chunk.content === 'string' ? chunk.content : textOf(chunk.content);
      if (text) o.onToken(text);
    }
  } catch (err) {
    throw ctrl.signal.aborted ? ctrl.signal.reason : unwrap(err);
  } finally {
    watchdog.disarm();
  }
}

/** The error LangChain's middleware wrapped (MiddlewareError keeps it as `cause`). */
function unwrap(err: unknown): unknown {
  let e = err;
  while (MiddlewareError.isInstance(e) && e.cause) e = e.cause;
  return e;
}

// Anthropic streams content blocks; keep only their text.
function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((b: { type?: string; text?: string }) =>
      b.type === 'text' || b.type === 'text_delta' ? (b.text ?? '') : '',
    )
    .join('');
}
