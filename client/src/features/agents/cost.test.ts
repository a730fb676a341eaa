import { describe, expect, it } from 'vitest';
import { duration, formatCost, formatMs, formatTokens, toNumber, usageOf, usageText } from './cost';
import { taskUsage } from './task-usage';

describe('cost formatting', () => {
  it('shows as many decimals as the amount needs', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(-1)).toBe('$0.00');
    expect(formatCost(Number.NaN)).toBe('$0.00');
    expect(formatCost(5.0234)).toBe('$5.02');
    expect(formatCost(0.0421)).toBe('$0.042');
    expect(formatCost(0.00314)).toBe('$0.0031');
    expect(formatCost(0.00001)).toBe('<$0.0001');
  });
  it('reads Postgres numerics that arrive as strings', () => {
    expect(toNumber('0.004210')).toBe(0.00421);
    expect(toNumber('')).toBeUndefined();
    expect(toNumber('abc')).toBeUndefined();
    expect(toNumber(null)).toBeUndefined();
    expect(toNumber(12)).toBe(12);
  });
  it('formats tokens and durations', () => {
    expect(formatTokens(842)).toBe('842');
    expect(formatTokens(1000)).toBe('1k');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(1_250_000)).toBe('1.3M');
    expect(formatMs(340)).toBe('340 ms');
    expect(formatMs(2400)).toBe('2.4 s');
    expect(formatMs(65_000)).toBe('1 min 05 s');
    expect(duration('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.500Z')).toBe(1500);
    expect(duration('2026-01-01T00:00:00.000Z', null)).toBeUndefined();
  });
});

describe('usage of a reply and a task', () => {
  it("prefers the contract's columns, falls back to the usage object, and is undefined without either", () => {
    expect(usageOf({ tokens_in: 1200, tokens_out: '34', cost_usd: '0.0042' })).toEqual({
      tokensIn: 1200,
      tokensOut: 34,
      costUsd: 0.0042,
    });
    expect(usageOf({ usage: { input_tokens: 0, output_tokens: 57 } })).toEqual({
      tokensIn: 0,
      tokensOut: 57,
      costUsd: 0,
    });
    expect(usageOf({ usage: null })).toBeUndefined();
    expect(usageText({ tokensIn: 1200, tokensOut: 34, costUsd: 0.0042 })).toBe('1.2k tokens · $0.0042');
  });
  it("uses the task's totals when the row has them, else sums its replies", () => {
    expect(taskUsage({ tokens_total: 900, cost_usd: '1.5' }, [])).toEqual({ tokens: 900, costUsd: 1.5 });
    const replies = [
      { role: 'assistant', tokens_in: 10, tokens_out: 5, cost_usd: '0.01' },
      { role: 'user', tokens_in: 999 },
      { role: 'assistant', usage: { input_tokens: 3, output_tokens: 2 } },
    ];
    expect(taskUsage({}, replies)).toEqual({ tokens: 20, costUsd: 0.01 });
  });
});
