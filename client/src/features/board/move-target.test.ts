import { describe, expect, it } from 'vitest';
import { dropSlot, fullIndex, keyboardTarget } from './move-target';
import { compileFilter, matchesFilter } from './filter';

const cols = [
  { id: 'todo', taskIds: ['a', 'b', 'c'] },
  { id: 'doing', taskIds: ['d'] },
  { id: 'done', taskIds: [] },
];

describe('keyboard moves', () => {
  it('moves within a column and stops at the ends', () => {
    expect(keyboardTarget(cols, 'b', 'ArrowUp')).toEqual({ columnId: 'todo', index: 0 });
    expect(keyboardTarget(cols, 'b', 'ArrowDown')).toEqual({ columnId: 'todo', index: 2 });
    expect(keyboardTarget(cols, 'a', 'ArrowUp')).toBeUndefined();
    expect(keyboardTarget(cols, 'c', 'ArrowDown')).toBeUndefined();
  });

  it('moves across columns keeping the row when it can', () => {
    expect(keyboardTarget(cols, 'c', 'ArrowRight')).toEqual({ columnId: 'doing', index: 1 });
    expect(keyboardTarget(cols, 'd', 'ArrowRight')).toEqual({ columnId: 'done', index: 0 });
    expect(keyboardTarget(cols, 'd', 'ArrowLeft')).toEqual({ columnId: 'todo', index: 0 });
    expect(keyboardTarget(cols, 'a', 'ArrowLeft')).toBeUndefined();
    expect(keyboardTarget(cols, 'zz', 'ArrowLeft')).toBeUndefined();
  });
});

describe('drop index under a filter', () => {
  const full = ['a', 'b', 'c', 'd', 'e'];
  it('maps onto the full list', () => {
    expect(fullIndex(['b', 'd'], full, 0)).toBe(1);
    expect(fullIndex(['b', 'd'], full, 1)).toBe(3);
    expect(fullIndex(['b', 'd'], full, 2)).toBe(4);
    expect(fullIndex([], full, 0)).toBe(5);
  });
});

describe('filter', () => {
  const t = { title: 'Fix login bug', description: 'OAuth callback fails', priority: 'high' as const };
  it('matches every word in title or description, and the priority', () => {
    expect(matchesFilter(t, { text: 'login oauth', priority: 'any' })).toBe(true);
    expect(matchesFilter(t, { text: 'login signup', priority: 'any' })).toBe(false);
    expect(matchesFilter(t, { text: '', priority: 'low' })).toBe(false);
    expect(matchesFilter(t, { text: ' ', priority: 'high' })).toBe(true);
  });
});

describe('where a dragged card lands (the drop line)', () => {
  const shown = ['a', 'b', 'c', 'd'];
  it('goes before or after the card under it, in the list without the dragged card', () => {
    // Dragging a (index 0) over c: before c is index 1 of [b, c, d], after c is 2.
    expect(dropSlot(shown, 'a', { columnId: 'x', overId: 'c', after: false })).toBe(1);
    expect(dropSlot(shown, 'a', { columnId: 'x', overId: 'c', after: true })).toBe(2);
    // Dragging d over a, from another column's point of view too.
    expect(dropSlot(shown, 'd', { columnId: 'x', overId: 'a', after: false })).toBe(0);
    expect(dropSlot(shown, 'z', { columnId: 'x', overId: 'd', after: true })).toBe(4);
  });
  it('stays in place over itself, and goes to the end over the column', () => {
    expect(dropSlot(shown, 'b', { columnId: 'x', overId: 'b', after: true })).toBe(1);
    expect(dropSlot(shown, 'b', { columnId: 'x', after: false })).toBe(3);
    expect(dropSlot([], 'b', { columnId: 'x', after: false })).toBe(0);
  });
});

describe('compiled filter', () => {
  it('is undefined when it keeps every card, a predicate otherwise', () => {
    expect(compileFilter({ text: ' ', priority: 'any' })).toBeUndefined();
    const keep = compileFilter({ text: 'LOGIN', priority: 'any' })!;
    expect(keep({ title: 'Fix login', description: '', priority: 'none' })).toBe(true);
    expect(keep({ title: 'Fix signup', description: '', priority: 'none' })).toBe(false);
  });
});
