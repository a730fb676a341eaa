import type { BaseChatModelCallOptions } from '@langchain/core/language_models/chat_models';
import { BaseChatModel, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { randomUUID } from 'node:crypto';
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

// Asked for code or a command, the demo shows one (a fenced block, as a real model would), so
// code highlighting and copy can be tried without a provider.
const ASKS_CODE = /\b(code|command|example|snippet)s?\b/i;
const CODE =
  '(demo) To start the server with a real model:\n\n' +
  '```bash\n' +
  '# or OPENAI_BASE_URL for a compatible server\n' +
  'export LLM_PROVIDER=openai\n' +
  'export OPENAI_API_KEY="sk-..."\n' +
  'export LLM_MODEL=gpt-4o-mini\n' +
  'npm start\n' +
  '```\n\n' +
  'A task or board can then pick its own model in the task panel.';

export function demoReply(messages: BaseMessage[]): string {
  const last = messages.filter((m) => m.getType() === 'human').at(-1);
  const said = typeof last?.content === 'string' ? last.content.trim().slice(0, 200) : '';
  if (ASKS_CODE.test(said)) return CODE;
  return `${HOW_TO}\n\nYou wrote: "${said}"`;
}

/** The task title the prompt names ("Task: <title>" in the system message). */
function taskTitle(messages: BaseMessage[]): string {
  const sys = messages.find((m) => m.getType() === 'system');
  const text = typeof sys?.content === 'string' ? sys.content : '';
  return /^Task: (.+)$/m.exec(text)?.[1]?.trim().slice(0, 200) ?? 'this task';
}

const toolName = (t: BindToolsInput) =>
  (t as { name?: string }).name ?? (t as { function?: { name?: string } }).function?.name;

/**
 * The demo acts too: for a few plain phrasings it calls a board tool through the same loop as a
 * real model ("split this into subtasks", "move this to Done"), then says what it did.
 */
export function demoToolCall(
  messages: BaseMessage[],
  tools: BindToolsInput[] = [],
): { name: string; args: Record<string, unknown> } | undefined {
  const last = messages.at(-1);
  if (last?.getType() !== 'human') return undefined;
  const said = typeof last.content === 'string' ? last.content : '';
  const has = (n: string) => tools.some((t) => toolName(t) === n);
  if (/\bsplit\b/i.test(said) && has('create_tasks')) {
    const title = taskTitle(messages);
    return {
      name: 'create_tasks',
      args: { tasks: ['Outline', 'Draft', 'Review'].map((step) => ({ title: `${step}: ${title}` })) },
    };
  }
  const move = /\bmove (?:this|it) to ([\w -]{1,60}?)[.!]?$/i.exec(said.trim());
  if (move && has('move_task')) return { name: 'move_task', args: { column: move[1]!.trim() } };
  const priority = /\bset (?:the |its )?priority (?:to )?(none|low|medium|high|urgent)\b/i.exec(said);
  if (priority && has('update_task'))
    return { name: 'update_task', args: { priority: priority[1]!.toLowerCase() } };
  return undefined;
}

function afterTool(messages: BaseMessage[]): string | undefined {
  const last = messages.at(-1);
  if (last?.getType() !== 'tool') return undefined;
  const result = typeof last.content === 'string' ? last.content : '';
  return result.startsWith('error')
    ? `(demo) The tool answered: ${result.slice(0, 300)}`
    : `(demo) Done: I called \`${(last as { name?: string }).name ?? 'a tool'}\` on the board, and the change is live for everyone watching. This was the built-in demo model; set \`LLM_PROVIDER\` for a real one.`;
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
    let message: AIMessageChunk | undefined;
    let text = '';
    for await (const c of this._streamResponseChunks(messages, options)) {
      text += c.text;
      message = message ? message.concat(c.message as AIMessageChunk) : (c.message as AIMessageChunk);
    }
    return { generations: [{ text, message: message ?? new AIMessage(text) }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ) {
    const call = demoToolCall(messages, options.tools);
    if (call) {
      options.signal?.throwIfAborted();
      const args = JSON.stringify(call.args);
      const chunk = new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: [
            { name: call.name, args, id: `demo_${randomUUID()}`, index: 0, type: 'tool_call_chunk' },
          ],
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken('', undefined, undefined, undefined, undefined, { chunk });
      return;
    }
    const words = (afterTool(messages) ?? demoReply(messages)).match(/\S+\s*|\s+/g) ?? [];
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
