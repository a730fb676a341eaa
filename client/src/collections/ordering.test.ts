import { describe, expect, it } from 'vitest';
import { keyBetween, sortByPosition, spotAt, spotAtEnd } from './ordering';

const rows = [
  { id: 'b', position: 'a1' },
  { id: 'a', position: 'a0' },
  { id: 'c', position: 'a2' },
];

describe('ordering', () => {
  it('sorts by position byte-wise, like COLLATE "C"', () => {
    expect(
      sortByPosition([
        { id: 'x', position: 'a' },
        { id: 'y', position: 'Z' },
      ]).map((r) => r.id),
    ).toEqual(['y', 'x']);
    expect(sortByPosition(rows).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('places between neighbours with one anchor and a key that sorts there', () => {
    const sorted = sortByPosition(rows);
    const mid = spotAt(sorted, 1);
    expect(mid.placement).toEqual({ afterId: 'a' });
    expect(mid.position > 'a0' && mid.position < 'a1').toBe(true);
    const first = spotAt(sorted, 0);
    expect(first.placement).toEqual({ beforeId: 'a' });
    expect(first.position < 'a0').toBe(true);
    const end = spotAtEnd(sorted);
    expect(end.placement).toEqual({ afterId: 'c' });
    expect(end.position > 'a2').toBe(true);
    expect(spotAt([], 3).placement).toEqual({ index: 0 });
  });

  it('still produces an ordered key from keys it did not make', () => {
    const k = keyBetween('zzz', null);
    expect(k > 'zzz').toBe(true);
    const odd = keyBetween('m', 'm');
    expect(odd > 'm').toBe(true);
  });
});
