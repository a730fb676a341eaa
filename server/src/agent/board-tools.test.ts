import { describe, expect, it } from 'vitest';
import { enabledTools, toolActivity } from './board-tools';

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
