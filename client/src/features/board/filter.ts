import type { Priority } from '@kanban/shared';

export interface CardFilter {
  text: string;
  priority: Priority | 'any';
  /** Only cards assigned to this user ("assigned to me"). */
  assignee?: string;
  /** A label id, or 'any' (absent: any). */
  label?: string;
}

export const NO_FILTER: CardFilter = { text: '', priority: 'any', label: 'any' };

type Filterable = {
  title: string;
  description: string;
  priority: Priority;
  assignee_ids?: string[] | null;
  label_ids?: string[] | null;
};

/**
 * The filter as one predicate, or undefined when it keeps every card. Built once per keystroke
 * (not once per card): the words are split and lower-cased here, so a 1,000-card board runs
 * only the `includes` checks.
 */
export function compileFilter(f: CardFilter): ((t: Filterable) => boolean) | undefined {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const { priority, assignee } = f;
  const label = f.label && f.label !== 'any' ? f.label : undefined;
  if (!words.length && priority === 'any' && assignee === undefined && label === undefined) return undefined;
  return (t) => {
    if (priority !== 'any' && t.priority !== priority) return false;
    if (assignee !== undefined && !(t.assignee_ids ?? []).includes(assignee)) return false;
    if (label !== undefined && !(t.label_ids ?? []).includes(label)) return false;
    if (!words.length) return true;
    const hay = `${t.title}\n${t.description}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  };
}

/** Client-side filter: every word must appear in the title or description. */
export function matchesFilter(t: Filterable, f: CardFilter): boolean {
  return compileFilter(f)?.(t) ?? true;
}

export const isFiltering = (f: CardFilter) =>
  f.text.trim() !== '' || f.priority !== 'any' || f.assignee !== undefined || (f.label ?? 'any') !== 'any';
