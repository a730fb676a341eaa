import { seqOf, type MessageRow } from '../../collections/types';

// The open chat holds a contiguous run of its history: every message from a lower seq (`from`)
// on. The newest page is loaded first, older pages below it as the reader scrolls up; new
// messages join at the top. Pages are cut by seq, so they never overlap or leave a gap. A
// regenerated reply is shown where its first version is, with a pager over all versions
// (versions.ts): its versions all answer one user message and come after it, so a run that
// starts at or below that message holds every version. `extendForVersions` says how far down a
// run must reach for that.

/** Messages per page. */
export const CHAT_PAGE = 50;

/** The run from `from` on, oldest first; optimistic rows (no seq yet) sort last. */
export function runFrom(rows: Iterable<MessageRow>, from: number | undefined): MessageRow[] {
  if (from === undefined) return [];
  return [...rows].filter((m) => seqOf(m) >= from).sort((a, b) => seqOf(a) - seqOf(b));
}

/** The lowest seq of a page, or undefined for an empty page. */
export function lowestSeq(rows: readonly MessageRow[]): number | undefined {
  let low: number | undefined;
  for (const m of rows) {
    const s = seqOf(m);
    if (Number.isFinite(s) && (low === undefined || s < low)) low = s;
  }
  return low;
}

/**
 * The user messages the run answers but does not hold: parents of its replies that are below
 * `from` (or not loaded at all). The run must extend down to the lowest of them.
 */
export function missingParents(rows: Iterable<MessageRow>, from: number): string[] {
  const all = [...rows];
  const held = new Set(all.filter((m) => seqOf(m) >= from).map((m) => m.id));
  const missing = new Set<string>();
  for (const m of all)
    if (m.role === 'assistant' && m.parent_id && seqOf(m) >= from && !held.has(m.parent_id))
      missing.add(m.parent_id);
  return [...missing];
}

/** Whether a full page came back, so there may be older messages below it. */
export const mayHaveOlder = (pageSize: number) => pageSize >= CHAT_PAGE;
