import { describe, expect, it } from 'vitest';
import { applyMention, mentionAt, mentionsIn, menuKey, suggest } from './mentions';

const agents = [
  { handle: 'planner', name: 'Planner', color: '#2357c6' },
  { handle: 'writer', name: 'Copy Writer', color: '#1a7f37' },
  { handle: 'pm', name: 'Product Manager', color: '#8a5a00' },
];

describe('mentionAt', () => {
  it('finds the @word being typed at the caret', () => {
    expect(mentionAt('hi @pla', 7)).toEqual({ start: 3, query: 'pla' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('(@wr', 4)).toEqual({ start: 1, query: 'wr' });
    // caret in the middle of a word completes from its start
    expect(mentionAt('@planner', 4)).toEqual({ start: 0, query: 'pla' });
  });

  it('does not take an e-mail address or a word with no @ for a mention', () => {
    expect(mentionAt('bea@pla', 7)).toBeUndefined();
    expect(mentionAt('a.b@x', 5)).toBeUndefined();
    expect(mentionAt('hello', 5)).toBeUndefined();
    expect(mentionAt('@planner done', 13)).toBeUndefined();
  });
});

describe('suggest', () => {
  it('puts handle matches first, then name-word matches, then @all', () => {
    expect(suggest(agents, 'p').map((s) => s.handle)).toEqual(['planner', 'pm']);
    expect(suggest(agents, 'w').map((s) => s.handle)).toEqual(['writer']);
    expect(suggest(agents, 'man').map((s) => s.handle)).toEqual(['pm']); // "Manager"
    expect(suggest(agents, '').map((s) => s.handle)).toEqual(['planner', 'writer', 'pm', 'all']);
    expect(suggest(agents, 'al').at(-1)).toMatchObject({ handle: 'all', all: true });
  });

  it('offers no @all to a board with one agent, and respects the limit', () => {
    expect(suggest(agents.slice(0, 1), '').map((s) => s.handle)).toEqual(['planner']);
    expect(suggest(agents, '', 2)).toHaveLength(2);
    expect(suggest(agents, 'zz')).toEqual([]);
  });
});

describe('applyMention', () => {
  it('replaces the typed word with the handle and a space, caret after it', () => {
    expect(applyMention('hi @pl', 3, 6, 'planner')).toEqual({ text: 'hi @planner ', caret: 12 });
    // the rest of the word under the caret goes too; an existing space is reused
    expect(applyMention('@plaXX please', 0, 4, 'planner')).toEqual({ text: '@planner please', caret: 9 });
  });
});

describe('mentionsIn', () => {
  const handles = agents.map((a) => a.handle);
  it('lists known handles in order of first appearance, ignoring unknown words and e-mails', () => {
    expect(mentionsIn('@writer then @planner and @writer again', handles)).toEqual(['writer', 'planner']);
    expect(mentionsIn('ask @bob or mail bea@planner.io', handles)).toEqual([]);
    expect(mentionsIn('@Planner, please', handles)).toEqual(['planner']);
  });
  it('expands @all to every agent', () => {
    expect(mentionsIn('@pm and @all', handles)).toEqual(['pm', 'planner', 'writer']);
  });
});

describe('menuKey', () => {
  const open = { open: true, active: 0, count: 3 };
  it('moves with the arrows, wrapping both ways', () => {
    expect(menuKey(open, 'ArrowDown').state.active).toBe(1);
    expect(menuKey({ ...open, active: 2 }, 'ArrowDown').state.active).toBe(0);
    expect(menuKey(open, 'ArrowUp').state.active).toBe(2);
  });
  it('accepts on Enter and Tab, closes on Escape, and leaves other keys to the box', () => {
    expect(menuKey(open, 'Enter')).toMatchObject({ action: 'accept', handled: true });
    expect(menuKey(open, 'Tab')).toMatchObject({ action: 'accept', handled: true });
    expect(menuKey(open, 'Escape')).toMatchObject({ action: 'close', handled: true, state: { open: false } });
    expect(menuKey(open, 'a')).toMatchObject({ action: 'none', handled: false });
  });
  it('handles nothing while closed or empty (Enter then sends)', () => {
    expect(menuKey({ ...open, open: false }, 'Enter').handled).toBe(false);
    expect(menuKey({ ...open, count: 0 }, 'ArrowDown').handled).toBe(false);
  });
});
