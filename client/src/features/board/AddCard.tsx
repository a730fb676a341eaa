import { createSignal, Show, untrack } from 'solid-js';
import { LIMITS, tooLong } from '../../lib/field-errors';
import { CharCount } from '../../ui/CharCount';
import { InputError } from '../../ui/InputError';

export interface AddCardProps {
  columnName: string;
  /** Adds; resolves to why it failed, or undefined when the card was created. */
  onAdd: (title: string) => Promise<string | undefined>;
}

/**
 * "+ Add a card" that turns into an input: Enter adds (and stays open for the next), Escape closes
 * and gives focus back to the button. A card that fails to be created (offline, too long) comes
 * back into the input with the reason and a retry.
 */
export function AddCard(props: AddCardProps) {
  const [open, setOpen] = createSignal(false);
  const [length, setLength] = createSignal(0);
  const [failed, setFailed] = createSignal<{ title: string; reason: string }>();
  let input: HTMLInputElement | undefined;
  let button: HTMLButtonElement | undefined;
  const close = () => {
    setOpen(false);
    setFailed(undefined);
    queueMicrotask(() => button?.focus());
  };
  const setText = (t: string) => {
    if (input) input.value = t;
    setLength(t.length);
  };
  const add = (title: string) => {
    if (title.length > LIMITS.taskTitle) {
      setFailed({
        title,
        reason: `${tooLong('Title', title.length, LIMITS.taskTitle)}. Shorten it to add the card.`,
      });
      return;
    }
    setFailed(undefined);
    setText('');
    void props.onAdd(title).then((reason) => {
      if (reason === undefined) return;
      setOpen(true);
      if (!input?.value.trim()) setText(title);
      setFailed({ title, reason });
    });
  };
  const id = `add-card-error-${Math.random().toString(36).slice(2)}`;
  return (
    <Show
      when={open()}
      fallback={
        <button
          ref={button}
          class="btn ghost"
          style={{ width: '100%', 'text-align': 'left' }}
          onClick={() => setOpen(true)}
        >
          + Add a card
        </button>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const title = input?.value.trim() ?? '';
          if (title) add(title);
        }}
      >
        <input
          ref={(el) => {
            input = el;
            // Reopened after a failure: the kept title goes back in (read once, not tracked).
            const kept = untrack(failed)?.title;
            queueMicrotask(() => {
              el.focus();
              if (kept && !el.value) setText(kept);
            });
          }}
          class="field"
          style={{ width: '100%' }}
          placeholder="Card title"
          aria-label={`New card title in ${props.columnName}`}
          aria-describedby={id}
          onInput={(e) => setLength(e.currentTarget.value.trim().length)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
          onBlur={(e) => {
            // Leaving an empty input closes it; a kept failure stays until dealt with.
            const to = e.relatedTarget as Node | null;
            if (!input?.value.trim() && !failed() && !e.currentTarget.form?.contains(to)) setOpen(false);
          }}
        />
        <CharCount length={length()} max={LIMITS.taskTitle} />
        <InputError
          id={id}
          reason={failed()?.reason}
          onRetry={
            failed() && failed()!.title.length <= LIMITS.taskTitle
              ? () => add(input?.value.trim() || failed()!.title)
              : undefined
          }
        />
      </form>
    </Show>
  );
}
