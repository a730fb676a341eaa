import { describe, expect, it } from 'vitest';
import { PENDING_SEQ, type MessageRow } from '../../collections/types';
import { CHAT_PAGE, lowestSeq, mayHaveOlder, missingParents, runFrom } from './chat-pages';

const msg = (id: string, seq: number, extra: Partial<MessageRow> = {}): MessageRow =>
  ({ id, seq, role: 'user', status: 'completed', content: id, parent_id: null, ...extra }) as MessageRow;

describe('chat pages', () => {
  it('the run is every message from its lower seq on, by seq as a number, optimistic last', () => {
    const rows = [msg('c', 100), msg('pending', PENDING_SEQ), msg('a', 9), msg('b', 99), msg('old', 5)];
    expect(runFrom(rows, 9).map((m) => m.id)).toEqual(['a', 'b', 'c', 'pending']);
    expect(runFrom(rows, undefined)).toEqual([]);
    // seqs as text (REST rows) order as numbers too
    expect(runFrom([msg('x', '100' as never), msg('y', '99' as never)], 0).map((m) => m.id)).toEqual([
      'y',
      'x',
    ]);
  });

  it('the lowest seq of a page ignores rows without a seq', () => {
    expect(lowestSeq([{ ...msg('c', 0), seq: 'x' }, msg('a', 12), msg('b', 7)])).toBe(7);
    expect(lowestSeq([])).toBeUndefined();
  });

  it('names the user messages a reply in the run answers but the run does not hold', () => {
    const rows = [
      msg('q1', 10),
      msg('v1', 11, { role: 'assistant', parent_id: 'q1' }),
      msg('q2', 12),
      msg('v2', 20, { role: 'assistant', parent_id: 'q1' }),
      msg('r2', 21, { role: 'assistant', parent_id: 'q2' }),
    ];
    // from 12: v2's question (q1) is below the run; r2's (q2) is in it
    expect(missingParents(rows, 12)).toEqual(['q1']);
    // from 10 every question is held
    expect(missingParents(rows, 10)).toEqual([]);
    // a reply below the run does not count
    expect(missingParents(rows, 21)).toEqual(['q2']);
  });

  it('a short page is the oldest', () => {
    expect(mayHaveOlder(CHAT_PAGE)).toBe(true);
    expect(mayHaveOlder(CHAT_PAGE - 1)).toBe(false);
  });
});
