// Tokens, cost and time as a person reads them. Costs arrive as Postgres numerics, which the
// shapes and JSON carry as strings ("0.004210"); counts as numbers or strings alike.

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * US dollars with as many decimals as the amount needs to be told from zero: $1.25, $0.042,
 * $0.0031; below a hundredth of a cent "<$0.0001"; nothing spent "$0.00".
 */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(3)}`;
  if (usd >= 0.0001) return `$${usd.toFixed(4)}`;
  return '<$0.0001';
}

/** 842, 12.3k, 1.2M tokens. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${trim((n / 1000).toFixed(1))}k`;
  return `${trim((n / 1_000_000).toFixed(1))}M`;
}
const trim = (s: string) => s.replace(/\.0$/, '');

/** 340 ms, 2.4 s, 1 min 05 s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trim((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export interface Usage {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/**
 * A reply's usage from its row: the contract's columns (tokens_in, tokens_out, cost_usd), else
 * the older `usage` object the pipeline wrote (input/output tokens). Undefined when none is known.
 */
export function usageOf(row: Record<string, unknown>): Usage | undefined {
  const usage = (row.usage ?? {}) as Record<string, unknown>;
  const tokensIn = toNumber(row.tokens_in) ?? toNumber(usage.input_tokens) ?? toNumber(usage.prompt_tokens);
  const tokensOut =
    toNumber(row.tokens_out) ?? toNumber(usage.output_tokens) ?? toNumber(usage.completion_tokens);
  const costUsd = toNumber(row.cost_usd);
  if (tokensIn === undefined && tokensOut === undefined && costUsd === undefined) return undefined;
  return { tokensIn: tokensIn ?? 0, tokensOut: tokensOut ?? 0, costUsd: costUsd ?? 0 };
}

/** "1.2k tokens · $0.004". */
export function usageText(u: Usage): string {
  return `${formatTokens(u.tokensIn + u.tokensOut)} tokens · ${formatCost(u.costUsd)}`;
}

/** Milliseconds between two timestamps, undefined while one is missing. */
export function duration(from: string | null | undefined, to: string | null | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
