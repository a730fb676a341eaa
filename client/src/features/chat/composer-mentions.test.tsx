import { describe, expect, it } from 'vitest';
import { fireEvent, render } from '@solidjs/testing-library';
import { Composer } from './Composer';

const agents = [
  { handle: 'planner', name: 'Planner' },
  { handle: 'writer', name: 'Writer' },
];

function setup() {
  const sent: string[] = [];
  const view = render(() => (
    <Composer
      agents={agents}
      busy={false}
      onSend={(t) => {
        sent.push(t);
        return Promise.resolve(undefined);
      }}
      onStop={() => {}}
    />
  ));
  const box = view.getByLabelText<HTMLTextAreaElement>('Message');
  const type = (text: string) => {
    box.value = text;
    box.setSelectionRange(text.length, text.length);
    fireEvent.input(box);
  };
  return { view, box, type, sent };
}

describe('composer @mention autocomplete', () => {
  it('opens a listbox on @, moves with the arrows, accepts with Enter without sending', () => {
    const { view, box, type, sent } = setup();
    type('please @');
    expect(box.getAttribute('aria-expanded')).toBe('true');
    const options = view.getAllByRole('option');
    expect(options.map((o) => o.querySelector('.mention-handle')?.textContent)).toEqual([
      '@planner',
      '@writer',
      '@all',
    ]);
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(options[1]!.getAttribute('aria-selected')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('please @writer ');
    expect(sent).toEqual([]);
    expect(box.getAttribute('aria-expanded')).toBe('false');
    expect(view.getByTestId('addressed').textContent).toBe('Answers: @writer');
    // with the menu closed, Enter sends
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(sent).toEqual(['please @writer']);
  });

  it('filters as you type, Tab accepts, Escape closes until the word changes', () => {
    const { view, box, type } = setup();
    type('@pl');
    expect(view.getAllByRole('option')).toHaveLength(1);
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('@planner ');
    type('@planner and @');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(view.queryByRole('listbox')).toBeNull();
    type('@planner and @w');
    expect(view.queryByRole('listbox')).toBeNull(); // same @word: stays closed
    type('@planner and @w @');
    expect(view.getByRole('listbox')).toBeTruthy();
  });

  it('offers nothing for an e-mail address', () => {
    const { view, type } = setup();
    type('mail bea@');
    expect(view.queryByRole('listbox')).toBeNull();
  });
});
