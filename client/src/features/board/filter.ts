import type { Priority } from '@kanban/shared';

export interface CardFilter {
  text: string;
  priority: Priority | 'any';
  /** A label id, or 'any' (absent: any). */
  label?: string;
}

export const NO_FILTER: CardFilter = { text: '', priority: 'any', label: 'any' };

/** Client-side filter: every word must appear in the title or description. */
export function matchesFilter(
  t: { title: string; description: string; priority: Priority; label_ids?: string[] },
  f: CardFilter,
): boolean {
  if (f.priority !== 'any' && t.priority !== f.priority) return false;
  if (f.label && f.label !== 'any' && !t.label_ids?.includes(f.label)) return false;
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = `${t.title}\n${t.description}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export const isFiltering = (f: CardFilter) =>
  f.text.trim() !== '' || f.priority !== 'any' || (f.label ?? 'any') !== 'any';
