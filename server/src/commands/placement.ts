import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import type { Placement } from '@kanban/shared';
import { badRequest } from '../http/problem';

export interface Sibling {
  id: string;
  position: string;
}

/**
 * The fractional key for a row placed among `siblings` (ordered, without the row itself).
 * Neighbours are re-read under a lock by the caller, so the gap used is always the current one:
 * "after X" lands between X and whatever follows X now, and concurrent moves never collide.
 */
export function keyFor(siblings: Sibling[], placement: Placement | undefined): string {
  const at = (i: number) => siblings[i]?.position ?? null;
  const indexOf = (id: string, field: string) => {
    const i = siblings.findIndex((s) => s.id === id);
    if (i < 0) throw badRequest(`placement.${field}: ${id} is not a sibling of this row`);
    return i;
  };
  if (
    !placement ||
    (placement.index === undefined && placement.afterId == null && placement.beforeId == null)
  ) {
    // No placement: the end. An explicit afterId: null with no beforeId also means the start.
    if (placement && placement.afterId === null && placement.beforeId === undefined)
      return generateKeyBetween(null, at(0));
    return generateKeyBetween(at(siblings.length - 1), null);
  }
  if (placement.index !== undefined) {
    const i = Math.min(placement.index, siblings.length);
    return generateKeyBetween(at(i - 1), at(i));
  }
  if (placement.afterId != null) {
    const i = indexOf(placement.afterId, 'afterId');
    if (placement.beforeId != null && indexOf(placement.beforeId, 'beforeId') < i)
      throw badRequest('placement: beforeId comes before afterId');
    return generateKeyBetween(at(i), at(i + 1));
  }
  const j = indexOf(placement.beforeId!, 'beforeId');
  return generateKeyBetween(at(j - 1), at(j));
}

/** Keys for `n` rows appended after `last`, in order. */
export function keysAfter(last: string | null, n: number): string[] {
  return generateNKeysBetween(last, null, n);
}
