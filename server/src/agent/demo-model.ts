import { SimpleChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import { abortableSleep } from './abortable-sleep';

// The offline default: a deterministic streamed reply that says it is a demo and how to
// configure a real provider. It runs through the same pipeline as a real model.

const HOW_TO =
  'I am the built-in **demo** model, so this reply is canned and no AI was involved. ' +
  'To talk to a real model, set `LLM_PROVIDER` and restart the server: ' +
  '`LLM_PROVIDER=openai` with `OPENAI_API_KEY` (and `OPENAI_BASE_URL` for any OpenAI-compatible server ' +
  'such as llama-swap, vLLM, LM Studio or Ollama), `LLM_PROVIDER=anthropic` with `ANTHROPIC_API_KEY`, ' +
  'or `LLM_PROVIDER=ollama` with `OLLAMA_BASE_URL`. `LLM_MODEL` picks the model; a task or board can name its own.';

export function demoReply(messages: BaseMessage[]): string {
  const last = messages.at(-1);
  const said = typeof last?.content === 'string' ? last.content.trim().slice(0, 200) : '';
  return `${HOW_TO}\n\nYou wrote: "${said}"`;
}

export class DemoChatModel extends SimpleChatModel {
  constructor(private readonly tokenMs: number) {
    super({});
  }

  _llmType() {
    return 'demo';
  }

  _call(messages: BaseMessage[]): Promise<string> {
    return Promise.resolve(demoReply(messages));
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions']) {
    const words = demoReply(messages).match(/\S+\s*|\s+/g) ?? [];
    for (const text of words) {
      if (this.tokenMs) await abortableSleep(this.tokenMs, options.signal);
      options.signal?.throwIfAborted();
      yield new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
    }
    const tokens = words.length;
    yield new ChatGenerationChunk({
      text: '',
      message: new AIMessageChunk({
        content: '',
        usage_metadata: { input_tokens: 0, output_tokens: tokens, total_tokens: tokens },
      }),
    });
  }
}
