import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';

// The prompt: board system prompt + the task, always, then as much recent history as fits the
// token budget (newest kept first), oldest to newest in the final list.

export interface PromptInput {
  systemPrompt?: string | null;
  task: { title: string; description: string };
  /** The conversation up to and including the user message being answered, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
  budgetTokens: number;
}

const BASE_SYSTEM =
  'You are an assistant helping with one task on a kanban board. Answer concisely in Markdown.';

/** A cheap, provider-agnostic estimate (about 4 characters per token). */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4) + 4;

export function buildPrompt(input: PromptInput): BaseMessage[] {
  const taskText = `Task: ${input.task.title}${input.task.description ? `\n\n${input.task.description}` : ''}`;
  const system = [BASE_SYSTEM, input.systemPrompt?.trim(), taskText].filter(Boolean).join('\n\n');
  let budget = input.budgetTokens - estimateTokens(system);
  const kept: BaseMessage[] = [];
  for (let i = input.history.length - 1; i >= 0; i--) {
    const m = input.history[i]!;
    const cost = estimateTokens(m.content);
    // The message being answered always goes in, even alone over budget.
    if (cost > budget && kept.length > 0) break;
    budget -= cost;
    kept.push(m.role === 'user' ? new HumanMessage(m.content) : new AIMessage(m.content));
  }
  return [new SystemMessage(system), ...kept.reverse()];
}
