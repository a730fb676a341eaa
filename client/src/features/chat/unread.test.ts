import { beforeEach, describe, expect, it, vi } from 'vitest';

// The module keeps its state in localStorage; each test loads a fresh copy, like a new page.
const fresh = async () => {
  vi.resetModules();
  return import('./unread');
};

describe('unread marks', () => {
  beforeEach(() => localStorage.clear());

  it('takes a board’s history as seen on first sight, then flags newer replies', async () => {
    const u = await fresh();
    expect(u.isUnread('b1', 't1', 5)).toBe(false); // board not seen yet: nothing is unread
    u.boardSeen('b1', [
      ['t1', 5],
      ['t2', 0],
    ]);
    expect(u.isUnread('b1', 't1', 5)).toBe(false);
    expect(u.isUnread('b1', 't1', 9)).toBe(true);
    expect(u.isUnread('b1', 't3', 12)).toBe(true); // a task with no history yet
    // A second first-sight call (a reload) does not swallow what arrived meanwhile.
    u.boardSeen('b1', [['t1', 9]]);
    expect(u.isUnread('b1', 't1', 9)).toBe(true);
    u.markSeen('t1', 9);
    expect(u.isUnread('b1', 't1', 9)).toBe(false);
  });

  it('persists across page loads and ignores older marks', async () => {
    const a = await fresh();
    a.boardSeen('b1', []);
    a.markSeen('t1', 7);
    a.markSeen('t1', 3);
    const b = await fresh();
    expect(b.boardKnown('b1')).toBe(true);
    expect(b.seenSeq('t1')).toBe(7);
    expect(b.isUnread('b1', 't1', 8)).toBe(true);
  });

  it('survives unreadable storage', async () => {
    localStorage.setItem('kanban.seen.v2', '{not json');
    const u = await fresh();
    expect(u.boardKnown('b1')).toBe(false);
    u.boardSeen('b1', [['t1', 2]]);
    expect(u.seenSeq('t1')).toBe(2);
  });
});
