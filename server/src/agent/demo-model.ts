import type { BaseChatModelCallOptions } from '@langchain/core/language_models/chat_models';
import { BaseChatModel, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { abortableSleep } from './abortable-sleep';

// The offline default: a deterministic streamed reply that says it is a demo and how to
// configure a real provider. It runs through the same agent loop as a real model (so it takes
// bound tools like one, though it answers in text).

const HOW_TO =
  'I am the built-in **demo** model, so this reply is canned and no AI was involved. ' +
  'To talk to a real model, set `LLM_PROVIDER` and restart the server: ' +
  '`LLM_PROVIDER=openai` with `OPENAI_API_KEY` (and `OPENAI_BASE_URL` for any OpenAI-compatible server ' +
  'such as llama-swap, vLLM, LM Studio or Ollama), `LLM_PROVIDER=anthropic` with `ANTHROPIC_API_KEY`, ' +
  'or `LLM_PROVIDER=ollama` with `OLLAMA_BASE_URL`. `LLM_MODEL` picks the model; a task or board can name its own.';

export function demoReply(messages: BaseMessage[]): string {
  const last = messages.filter((m) => m.getType() === 'human').at(-1);
  const said = typeof last?.content === 'string' ? last.content.trim().slice(0, 200) : '';
  return `${HOW_TO}\n\nYou wrote: "${said}"`;
}

interface DemoCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

export class DemoChatModel extends BaseChatModel<DemoCallOptions> {
  constructor(private readonly tokenMs: number) {
    super({});
  }

  _llmType() {
    return 'demo';
  }

  // createAgent binds the agent's tools to every model it calls.
  override bindTools(tools: BindToolsInput[], kwargs?: Partial<DemoCallOptions>) {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    let text = '';
    for await (const c of this._streamResponseChunks(messages, options)) text += c.text;
    return { generations: [{ text, message: new AIMessage(text) }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ) {
    const words = demoReply(messages).match(/\S+\s*|\s+/g) ?? [];
    for (const text of words) {
      if (this.tokenMs) await abortableSleep(this.tokenMs, options.signal);
      options.signal?.throwIfAborted();
      const chunk = new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
      yield chunk;
      // What streams it: LangGraph's `messages` mode listens for the tokens a model reports.
      await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk });
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
