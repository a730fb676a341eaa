// Due states are judged in the viewer's own calendar day: a task due today is "due soon" all
// day wherever the viewer is, and overdue from the next local day.

export type DueState = 'overdue' | 'soon' | 'later';

/** Days within which a due date counts as soon (today and the next two days). */
export const DUE_SOON_DAYS = 2;

/** The local calendar day of `now` as YYYY-MM-DD. */
export function localDay(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

const dayNumber = (day: string) =>
  Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 86_400_000;

export function dueState(due: string, today: string): DueState {
  const days = dayNumber(due) - dayNumber(today);
  if (days < 0) return 'overdue';
  return days <= DUE_SOON_DAYS ? 'soon' : 'later';
}

/** "Overdue · 3 Dec", "Due today", "Due tomorrow", "Due 9 Dec". */
export function dueText(due: string, today: string): string {
  const days = dayNumber(due) - dayNumber(today);
  const date = new Date(`${due}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  if (days < 0) return `Overdue · ${date}`;
  if (days === 0) return 'Due today';
  if (days === 1) return 'Due tomorrow';
  return `Due ${date}`;
}
