import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import {
  createAgent,
  createMiddleware,
  MiddlewareError,
  modelCallLimitMiddleware,
  type AnyAgentMiddleware,
} from 'langchain';

// The agent loop of a reply is LangChain's `createAgent`: model call → tools → model call, until
// the model answers without a tool call or the round limit ends it. Our part is a middleware
// around each model call (which model of the fallback chain it uses, and the hooks that record
// it) and the streaming of one attempt with an idle watchdog.

export interface ModelCallHooks {
  /** The model the next call uses (the reply's retry loop moves along the fallback chain). */
  model(): BaseChatModel;
  /** A model call starts (its run row is written, the idle watchdog armed). */
  started(): void;
  /** It returned a whole message: a tool round (it has tool calls) or the answer. */
  ended(message: AIMessage): void;
}

export interface ReplyAgentOptions {
  hooks: ModelCallHooks;
  checkpointer: BaseCheckpointSaver;
  /** Model calls per reply (modelCallLimitMiddleware's thread limit: retries resume the thread). */
  maxRounds: number;
  tools?: StructuredToolInterface[];
  /** Middleware around all of ours (outermost first): the budget check (agent/budget-middleware.ts). */
  outer?: AnyAgentMiddleware[];
}

export function createReplyAgent(o: ReplyAgentOptions) {
  const calls = createMiddleware({
    name: 'ReplyModelCalls',
    wrapModelCall: async (request, handler) => {
      o.hooks.started();
      const response = await handler({ ...request, model: o.hooks.model() });
      if (AIMessage.isInstance(response)) o.hooks.ended(response);
      return response;
    },
  });
  return createAgent({
    model: o.hooks.model(),
    tools: o.tools ?? [],
    checkpointer: o.checkpointer,
    middleware: [
      ...(o.outer ?? []),
      calls,
      modelCallLimitMiddleware({ threadLimit: o.maxRounds, exitBehavior: 'end' }),
    ] as readonly AnyAgentMiddleware[],
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
  input: { messages: BaseMessage[] } | null,
  watchdog: IdleWatchdog,
  ctrl: AbortController,
  o: AttemptOptions,
): Promise<void> {
  try {
    const stream = await agent.stream(input, {
      configurable: { thread_id: o.threadId },
      streamMode: 'messages',
      signal: ctrl.signal,
      // Each step's checkpoint is written before the next step starts: a crash resumes from it.
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
