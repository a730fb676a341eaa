import { describe, expect, it } from 'vitest';
import { applyDelta, applyRow, emptyStream, hasGap, visibleText } from './stream-merge';

const feed = (deltas: [number, string][]) =>
  deltas.reduce((s, [offset, text]) => applyDelta(s, { offset, text }), emptyStream());

describe('stream merge by offset', () => {
  it('appends contiguous deltas', () => {
    expect(
      feed([
        [0, 'Hel'],
        [3, 'lo'],
        [5, ' world'],
      ]).text,
    ).toBe('Hello world');
  });

  it('skips duplicates and overlapping re-sends', () => {
    const s = feed([
      [0, 'Hello'],
      [0, 'Hel'],
      [3, 'lo wo'],
      [5, ' world'],
    ]);
    expect(s.text).toBe('Hello world');
    expect(hasGap(s)).toBe(false);
  });

  it('parks a delta after a gap until the hole is filled', () => {
    let s = feed([
      [0, 'ab'],
      [4, 'ef'],
    ]);
    expect(s.text).toBe('ab');
    expect(hasGap(s)).toBe(true);
    s = applyDelta(s, { offset: 2, text: 'cd' });
    expect(s.text).toBe('abcdef');
    expect(hasGap(s)).toBe(false);
  });

  it('lets a row checkpoint fill a gap (late joiner)', () => {
    // Joined mid-stream: the first deltas we see start at 10.
    let s = feed([
      [10, 'KLM'],
      [13, 'NO'],
    ]);
    expect(s.text).toBe('');
    s = applyRow(s, 'ABCDEFGHIJK');
    expect(s.text).toBe('ABCDEFGHIJKLMNO');
    expect(hasGap(s)).toBe(false);
  });

  it('ignores a checkpoint shorter than what was streamed', () => {
    const s = applyRow(feed([[0, 'Hello world']]), 'Hello');
    expect(s.text).toBe('Hello world');
  });

  it('shows the longer of row and stream while live, and the row once final', () => {
    const s = feed([[0, 'Hello wor']]);
    expect(visibleText('Hello', false, s)).toBe('Hello wor');
    expect(visibleText('Hello world!', false, s)).toBe('Hello world!');
    expect(visibleText('Hello', true, s)).toBe('Hello');
    expect(visibleText('x', false, undefined)).toBe('x');
  });
});
