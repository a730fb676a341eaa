import { describe, expect, it } from 'vitest';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { boardTools, enabledTools, toolActivity } from './board-tools';
import { mentionTool } from './mention-tool';

describe('board tools', () => {
  it('says what a round of calls does, for the card', () => {
    const move = { name: 'move_task', args: { column: 'Done' } };
    expect(toolActivity([move, move, move])).toBe('moving 3 cards…');
    expect(toolActivity([{ name: 'create_tasks', args: { tasks: [{}, {}] } }, move])).toBe(
      'moving 1 card, creating 2 tasks…',
    );
    expect(toolActivity([{ name: 'read_task' }, { name: 'mention' }])).toBe(
      'reading the board, running mention…',
    );
  });

  it('gives a reply only the board tools its agent enables', () => {
    const tools = ['read_board', 'move_task', 'comment', 'mention'].map((name) => ({ name }));
    expect(
      enabledTools(tools, { move_task: 'ask', comment: 'auto', mention: 'auto' }).map((t) => t.name),
    ).toEqual(['move_task', 'comment', 'mention']);
    expect(enabledTools(tools, {})).toEqual([]);
  });
});

describe('tool schemas across replies', () => {
  // Each reply builds its tools; the JSON Schema the provider gets is LangChain's conversion of
  // the zod schema, cached by the schema object. Shared schemas: converted once per process, not
  // once per model call (the reply path's CPU, docs/performance.md).
  const ctx = (taskId: string) => ({
    db: {} as never,
    taskId,
    boardId: 'b',
    agentId: null,
    agents: {} as never,
  });
  const mention = (messageId: string) =>
    mentionTool({
      db: {} as never,
      boardId: 'b',
      agentId: null,
      messageId,
      triggers: {} as never,
      note: () => undefined,
    });

  it('gives the provider the same converted parameters for every reply', () => {
    const [a, b] = [
      [...boardTools(ctx('t1')), mention('m1')],
      [...boardTools(ctx('t2')), mention('m2')],
    ];
    expect(a.map((t) => t.name)).toEqual(b.map((t) => t.name));
    a.forEach((t, i) => {
      const first = convertToOpenAITool(t).function.parameters;
      expect(convertToOpenAITool(b[i]!).function.parameters, t.name).toBe(first);
    });
  });
});
