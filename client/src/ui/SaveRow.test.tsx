import { describe, expect, it, vi } from 'vitest';
import { render } from '@solidjs/testing-library';
import { SaveRow } from './SaveRow';

// The shared foot of the settings forms (board settings, agent form): what each of them relies on.

describe('SaveRow', () => {
  it('without onSave the save button submits its form; Cancel does not', () => {
    const submitted = vi.fn((e: SubmitEvent) => e.preventDefault());
    const cancelled = vi.fn();
    const view = render(() => (
      <form onSubmit={submitted}>
        <SaveRow error={undefined} saveLabel="Save" onCancel={cancelled} />
      </form>
    ));
    view.getByRole('button', { name: 'Cancel' }).click();
    expect(cancelled).toHaveBeenCalledTimes(1);
    expect(submitted).not.toHaveBeenCalled();
    view.getByRole('button', { name: 'Save' }).click();
    expect(submitted).toHaveBeenCalledTimes(1);
    expect(view.queryByRole('alert')).toBeNull();
  });

  it('with onSave the button calls it (never submits), is disabled while busy, and shows the error', () => {
    const submitted = vi.fn((e: SubmitEvent) => e.preventDefault());
    const saved = vi.fn();
    const view = render(() => (
      <form onSubmit={submitted}>
        <SaveRow
          error="Handle is taken"
          saveLabel="Save agent"
          onCancel={() => {}}
          onSave={saved}
          busy={false}
          start={<button type="button">Delete board…</button>}
        />
      </form>
    ));
    view.getByRole('button', { name: 'Save agent' }).click();
    expect(saved).toHaveBeenCalledTimes(1);
    expect(submitted).not.toHaveBeenCalled();
    expect(view.getByRole('alert').textContent).toBe('Handle is taken');
    // the start action sits left of the spacer, Cancel and Save after it
    const row = [...view.container.querySelector('.actions')!.children].map(
      (e) => e.textContent || e.className,
    );
    expect(row).toEqual(['Delete board…', 'spacer', 'Cancel', 'Save agent']);
  });

  it('busy disables the save button', () => {
    const view = render(() => (
      <SaveRow error={undefined} saveLabel="Save agent" onCancel={() => {}} onSave={() => {}} busy />
    ));
    expect(view.getByRole<HTMLButtonElement>('button', { name: 'Save agent' }).disabled).toBe(true);
  });
});
