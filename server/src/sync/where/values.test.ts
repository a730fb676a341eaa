import { describe, expect, it } from 'vitest';
import { compareDecimal, compareText, likePattern, timestampMicros } from './values';

// The orderings the evaluator relies on, at their edges (the agreement test checks them against
// Postgres in bulk; these pin the cases a random run may miss).

describe('compareDecimal', () => {
  it('is exact beyond 2^53 and ignores trailing zeros', () => {
    expect(compareDecimal('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareDecimal('1.50', '1.5')).toBe(0);
    expect(compareDecimal('-0.000001', '0')).toBe(-1);
    expect(compareDecimal('123456789012345678901234567890.1', '123456789012345678901234567890.09')).toBe(1);
    expect(compareDecimal('-10', '-9')).toBe(-1);
    expect(compareDecimal('1e3', '999.9')).toBe(1);
  });

  it('puts NaN above Infinity above every number, as numeric does', () => {
    expect(compareDecimal('NaN', 'Infinity')).toBe(1);
    expect(compareDecimal('NaN', 'NaN')).toBe(0);
    expect(compareDecimal('Infinity', '1e100')).toBe(1);
    expect(compareDecimal('-Infinity', '-1e100')).toBe(-1);
  });
});

describe('timestampMicros', () => {
  it('honours offsets, fractions and BC', () => {
    expect(timestampMicros('2024-01-01 01:00:00+01')).toBe(timestampMicros('2024-01-01 00:00:00+00'));
    expect(timestampMicros('2024-01-01 00:00:00.5+00') - timestampMicros('2024-01-01 00:00:00+00')).toBe(
      500_000n,
    );
    expect(timestampMicros('2024-06-01 12:00:00-07:30')).toBe(timestampMicros('2024-06-01 19:30:00+00'));
    expect(timestampMicros('0001-01-01 BC') < timestampMicros('0001-01-01')).toBe(true);
    expect(timestampMicros('infinity') > timestampMicros('294276-12-31 23:59:59+00')).toBe(true);
  });
});

describe('compareText', () => {
  it('orders by code point, also past the BMP', () => {
    expect(compareText('Z', 'a')).toBe(-1);
    expect(compareText('\uffff', '😀')).toBe(-1); // UTF-16 code units would say the opposite
  });
});

describe('likePattern', () => {
  it('anchors, escapes and folds ASCII only for ILIKE', () => {
    expect(likePattern('a%', false)!.test('abc')).toBe(true);
    expect(likePattern('a%', false)!.test('xa')).toBe(false);
    expect(likePattern('a_c', false)!.test('a😀c')).toBe(true);
    expect(likePattern('\\%', false)!.test('%')).toBe(true);
    expect(likePattern('\\%', false)!.test('x')).toBe(false);
    expect(likePattern('a.c', false)!.test('abc')).toBe(false);
    expect(likePattern('%\n%', false)!.test('a\nb')).toBe(true);
    expect(likePattern('ab\\', false)).toBeUndefined();
    expect(likePattern('AB', true)!.test('ab')).toBe(true);
  });
});
