import { describe, expect, it } from 'vitest';
import { dueState, dueText, localDay } from './due';

describe('due dates', () => {
  it('is overdue from the day after, soon for today and the next two days, later after', () => {
    expect(dueState('2026-12-01', '2026-12-02')).toBe('overdue');
    expect(dueState('2026-12-02', '2026-12-02')).toBe('soon');
    expect(dueState('2026-12-04', '2026-12-02')).toBe('soon');
    expect(dueState('2026-12-05', '2026-12-02')).toBe('later');
    // across a month and a year end
    expect(dueState('2026-12-31', '2027-01-01')).toBe('overdue');
    expect(dueState('2027-01-02', '2026-12-31')).toBe('soon');
  });

  it('says it in words', () => {
    expect(dueText('2026-11-29', '2026-12-02')).toBe('Overdue · 29 Nov');
    expect(dueText('2026-12-02', '2026-12-02')).toBe('Due today');
    expect(dueText('2026-12-03', '2026-12-02')).toBe('Due tomorrow');
    expect(dueText('2026-12-09', '2026-12-02')).toBe('Due 9 Dec');
  });

  it('takes the local day, not the UTC one', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
