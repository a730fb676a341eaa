import { describe, expect, it } from 'vitest';
import { render } from '@solidjs/testing-library';
import { DeleteColumnDialog } from './DeleteColumnDialog';

// A column whose only cards are archived looks empty on the board, but its delete would take
// those cards (and their chats) along: the dialog counts them and asks what to do with them,
// so the request it sends is one the server accepts.

const sent: unknown[] = [];
const open = (taskCount: number, archivedCount: number) =>
  render(() => (
    <DeleteColumnDialog
      open
      name="Later"
      taskCount={taskCount}
      archivedCount={archivedCount}
      otherColumns={[{ id: 'c2', name: 'Done' }]}
      onConfirm={(t) => sent.push(t)}
      onClose={() => {}}
    />
  ));

describe('DeleteColumnDialog', () => {
  it('counts archived cards and asks what happens to them', () => {
    sent.length = 0;
    const view = open(0, 2);
    expect(view.container.textContent).not.toContain('The column is empty');
    expect(view.container.textContent).toContain('2 archived cards');
    view.getByText('Delete column').click();
    expect(sent).toEqual([{ moveTasksTo: 'c2' }]);
  });

  it('names cards on the board and archived ones together', () => {
    const view = open(1, 1);
    expect(view.container.textContent).toContain('It holds 1 card and 1 archived card.');
  });

  it('an empty column just goes', () => {
    sent.length = 0;
    const view = open(0, 0);
    expect(view.container.textContent).toContain('The column is empty.');
    view.getByText('Delete column').click();
    expect(sent).toEqual([undefined]);
  });
});
