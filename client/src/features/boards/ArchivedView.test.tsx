import { describe, expect, it } from 'vitest';
import { render } from '@solidjs/testing-library';
import { ArchivedView } from './ArchivedView';
import type { BoardView } from '../board/use-board';

// What the archived list shows for each kind: the names, where a card was, and a Restore button
// labelled with what it restores (the e2e essentials test restores a card through it).

const board = (
  columns: { id: string; name: string; archived: boolean }[],
  cards: { id: string; title: string; column_id: string }[],
) =>
  ({
    allColumns: () => columns,
    archivedColumns: () => columns.filter((c) => c.archived),
    archivedTasks: () => cards,
  }) as unknown as BoardView;

const rows = (root: HTMLElement) =>
  [...root.querySelectorAll('[data-testid="archived-view"] li')].map((li) => [
    li.querySelector('span')!.textContent,
    li.querySelector('button')!.getAttribute('aria-label'),
  ]);

describe('ArchivedView', () => {
  it('lists archived columns and cards under their headings, each with its Restore', () => {
    const view = render(() => (
      <ArchivedView
        board={board(
          [
            { id: 'c1', name: 'Todo', archived: false },
            { id: 'c2', name: 'Icebox', archived: true },
          ],
          [{ id: 't1', title: 'Write docs', column_id: 'c1' }],
        )}
      />
    ));
    expect(view.getByRole('button', { name: 'Archived (2)' })).toBeTruthy();
    expect(
      [...view.container.querySelectorAll('[data-testid="archived-view"] h3')].map((h) => h.textContent),
    ).toEqual(['Columns', 'Cards']);
    expect(rows(view.container)).toEqual([
      ['Icebox', 'Restore column Icebox'],
      ['Write docs in Todo', 'Restore card Write docs'],
    ]);
  });

  it('a kind with nothing archived has no heading; with neither, it says so', () => {
    const some = render(() => (
      <ArchivedView board={board([{ id: 'c2', name: 'Icebox', archived: true }], [])} />
    ));
    expect([...some.container.querySelectorAll('h3')].map((h) => h.textContent)).toEqual(['Columns']);
    const none = render(() => <ArchivedView board={board([], [])} />);
    expect(none.container.querySelector('[data-testid="archived-view"]')!.textContent).toBe(
      'Nothing is archived on this board.',
    );
  });
});
