import { duration, formatMs } from './cost';
import type { ToolCall } from './types';

// What a tool-call card says and offers, apart from how it is drawn (so the states are tested
// without a browser).

export const TOOL_STATUS_LABEL: Record<ToolCall['status'], string> = {
  running: 'running…',
  succeeded: 'done',
  failed: 'failed',
  denied: 'denied',
  waiting: 'waiting for approval',
};

export interface ToolCardView {
  label: string;
  /** "1.2 s"; undefined while it runs or waits. */
  took?: string;
  /** Approve / Edit / Deny for an editor. */
  decide: boolean;
  /** A viewer's line in place of the buttons. */
  waitingNote?: string;
  /** "Approved by Bea" / "Denied by Bea: not now". */
  decision?: string;
  /** The card starts open: someone has to act on it, or it went wrong. */
  open: boolean;
}

export function toolCardView(call: ToolCall, canDecide: boolean): ToolCardView {
  const waiting = call.status === 'waiting';
  const ms = duration(call.started_at ?? call.created_at, call.finished_at);
  const who = call.decided_by_name ?? (call.decided_by ? 'a member' : undefined);
  let decision: string | undefined;
  if (call.status === 'denied')
    decision = `Denied${who ? ` by ${who}` : ''}${call.deny_reason ? `: ${call.deny_reason}` : ''}`;
  else if (who && !waiting) decision = `Approved by ${who}`;
  return {
    label: TOOL_STATUS_LABEL[call.status] ?? call.status,
    took: ms !== undefined && !waiting ? formatMs(ms) : undefined,
    decide: waiting && canDecide,
    waitingNote: waiting && !canDecide ? 'Waiting for an editor to approve or deny.' : undefined,
    decision,
    open: waiting || call.status === 'failed',
  };
}

/**
 * Edited arguments as the approve body takes them: a JSON object. The reason is a sentence for
 * the box ("Arguments must be a JSON object, not an array").
 */
export function parseArguments(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof SyntaxError ? err.message : 'not JSON';
    return { ok: false, reason: `The arguments are not valid JSON (${why}).` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return {
      ok: false,
      reason: `Arguments must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`,
    };
  return { ok: true, value: value as Record<string, unknown> };
}

export const prettyJson = (v: unknown) => JSON.stringify(v, null, 2);
