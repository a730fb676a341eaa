import type { Priority } from '@kanban/shared';

export interface CardFilter {
  text: string;
  priority: Priority | 'any';
}

export const NO_FILTER: CardFilter = { text: '', priority: 'any' };

type Filterable = { title: string; description: string; priority: Priority };

/**
 * The filter as one predicate, or undefined when it keeps every card. Built once per keystroke
 * (not once per card): the words are split and lower-cased here, so a 1,000-card board runs
 * only the `includes` checks.
 */
export function compileFilter(f: CardFilter): ((t: Filterable) => boolean) | undefined {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const priority = f.priority;
  if (!words.length && priority === 'any') return undefined;
  return (t) => {
    if (priority !== 'any' && t.priority !== priority) return false;
    if (!words.length) return true;
    const hay = `${t.title}\n${t.description}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  };
}

/** Client-side filter: every word must appear in the title or description. */
export function matchesFilter(t: Filterable, f: CardFilter): boolean {
  return compileFilter(f)?.(t) ?? true;
}

export const isFiltering = (f: CardFilter) => f.text.trim() !== '' || f.priority !== 'any';
