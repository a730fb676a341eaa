import type { Placement } from '@kanban/shared';
import { generateKeyBetween } from 'fractional-indexing';

// Rows are ordered by fractional-index keys compared byte-wise (the database uses COLLATE "C").
// The server computes the real key from a placement; the client only needs a temporary key that
// sorts in the same spot, so the optimistic state looks right until the real row arrives.

export interface Positioned {
  id: string;
  position: string;
}

export const byPosition = (a: Positioned, b: Positioned) =>
  a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : 1;

export function sortByPosition<T extends Positioned>(rows: readonly T[]): T[] {
  return [...rows].sort(byPosition);
}

/** A key strictly between two neighbours (either may be missing). */
export function keyBetween(before: string | null, after: string | null): string {
  try {
    return generateKeyBetween(before, after);
  } catch {
    // Neighbour keys the library does not produce (or equal ones): still sort after `before`.
    return (before ?? '') + 'V';
  }
}

export interface Spot {
  placement: Placement;
  position: string;
}

/**
 * Where a row lands at `index` among `siblings` (ordered, the moving row already removed):
 * the placement the server understands and the temporary key for the optimistic row.
 */
export function spotAt(siblings: readonly Positioned[], index: number): Spot {
  const i = Math.max(0, Math.min(index, siblings.length));
  const prev = siblings[i - 1];
  const next = siblings[i];
  // One anchor only: "after X" means after X wherever X is by then, so a concurrent move
  // elsewhere in the list cannot make the request invalid.
  const placement: Placement = prev ? { afterId: prev.id } : next ? { beforeId: next.id } : { index: 0 };
  return { placement, position: keyBetween(prev?.position ?? null, next?.position ?? null) };
}

/** The spot at the end of a list. */
export const spotAtEnd = (siblings: readonly Positioned[]) => spotAt(siblings, siblings.length);
