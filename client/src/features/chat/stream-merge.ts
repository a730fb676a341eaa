import type { MessageDelta } from '@kanban/shared';

// The live text of one streaming reply, built from socket deltas and the checkpointed row.
// A delta's `offset` is where its text starts in the full content, so:
//   - it ends at or before what we have: a duplicate, skip it;
//   - it starts at or before our end: append the part we do not have yet;
//   - it starts after our end: a gap; park it until the row's checkpoint (or an earlier
//     delta) fills the hole.
// The row is the truth: when it is longer than our text it replaces it.

export interface StreamText {
  text: string;
  /** Deltas that arrived ahead of a gap, by offset. */
  parked: { offset: number; text: string }[];
}

export const emptyStream = (): StreamText => ({ text: '', parked: [] });

function applyOne(text: string, offset: number, piece: string): string | undefined {
  if (offset > text.length) return undefined; // gap
  const end = offset + piece.length;
  if (end <= text.length) return text; // duplicate
  return text + piece.slice(text.length - offset);
}

/** Applies parked deltas that now connect; drops the ones we have already covered. */
function drain(s: StreamText): StreamText {
  let text = s.text;
  let parked = [...s.parked].sort((a, b) => a.offset - b.offset);
  let progressed = true;
  while (progressed) {
    progressed = false;
    const rest: StreamText['parked'] = [];
    for (const p of parked) {
      const next = applyOne(text, p.offset, p.text);
      if (next === undefined) rest.push(p);
      else {
        progressed ||= next !== text;
        text = next;
      }
    }
    parked = rest;
  }
  return { text, parked };
}

export function applyDelta(s: StreamText, d: Pick<MessageDelta, 'offset' | 'text'>): StreamText {
  const next = applyOne(s.text, d.offset, d.text);
  if (next === undefined) return { text: s.text, parked: [...s.parked, { offset: d.offset, text: d.text }] };
  return next === s.text ? s : drain({ text: next, parked: s.parked });
}

/** Folds in the row's content (a checkpoint or the final text). */
export function applyRow(s: StreamText, content: string): StreamText {
  if (content.length <= s.text.length) return s;
  return drain({ text: content, parked: s.parked });
}

/** What to show: the row once it is final, otherwise the longer of row and stream. */
export function visibleText(rowContent: string, final: boolean, s: StreamText | undefined): string {
  if (final || !s) return rowContent;
  return s.text.length > rowContent.length ? s.text : rowContent;
}

/** True when deltas are waiting on a hole that only the row can fill. */
export const hasGap = (s: StreamText) => s.parked.length > 0;
