import { createSignal, Show } from 'solid-js';

/** "+ Add a card" that turns into an input: Enter adds (and stays open for the next), Escape closes. */
export function AddCard(props: { columnName: string; onAdd: (title: string) => void }) {
  const [open, setOpen] = createSignal(false);
  let input!: HTMLInputElement;
  const submit = () => {
    const title = input.value.trim();
    if (title) props.onAdd(title);
    input.value = '';
  };
  return (
    <Show
      when={open()}
      fallback={
        <button
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
          submit();
        }}
      >
        <input
          ref={(el) => {
            input = el;
            queueMicrotask(() => el.focus());
          }}
          class="field"
          style={{ width: '100%' }}
          placeholder="Card title"
          aria-label={`New card title in ${props.columnName}`}
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
          onBlur={() => !input.value.trim() && setOpen(false)}
        />
      </form>
    </Show>
  );
}
