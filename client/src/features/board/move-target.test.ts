import { describe, expect, it } from 'vitest';
import { fullIndex, keyboardTarget } from './move-target';
import { matchesFilter } from './filter';

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
