import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { ProviderTimeoutError } from './errors';

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

export interface StreamOptions {
  signal: AbortSignal;
  /** Abort when the provider is silent this long (before or between tokens). */
  idleMs: number;
  onToken(text: string): void;
}

/**
 * Streams one model call. The provider's HTTP request is tied to an AbortController that the
 * caller's signal (cancel, shutdown, lost job claim) and the idle watchdog both abort; the
 * rejection carries the reason (CancelledError, ProviderTimeoutError, ...), not a generic abort.
 */
export async function streamModel(
  model: BaseChatModel,
  messages: BaseMessage[],
  o: StreamOptions,
): Promise<Usage | undefined> {
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(o.signal.reason);
  if (o.signal.aborted) onAbort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  let watchdog: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => ctrl.abort(new ProviderTimeoutError(o.idleMs)), o.idleMs);
  };
  let usage: Usage | undefined;
  try {
    arm();
    const stream = await model.stream(messages, { signal: ctrl.signal });
    for await (const chunk of stream) {
      arm();
      const text = typeof chunk.content === 'string' ? chunk.content : textOf(chunk.content);
      if (text) o.onToken(text);
      if (chunk.usage_metadata) usage = chunk.usage_metadata;
    }
    return usage;
  } catch (err) {
    throw ctrl.signal.aborted ? ctrl.signal.reason : err;
  } finally {
    clearTimeout(watchdog);
    o.signal.removeEventListener('abort', onAbort);
  }
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
