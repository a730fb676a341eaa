import { createSignal, Show } from 'solid-js';
import { Markdown } from '../../ui/Markdown';

/** Markdown description with Write / Preview; saves on blur or with the Save button. */
export function DescriptionEditor(props: { value: string; onSave: (text: string) => void }) {
  const [preview, setPreview] = createSignal(false);
  const [draft, setDraft] = createSignal<string>();
  const text = () => draft() ?? props.value;
  const save = () => {
    const d = draft();
    if (d !== undefined && d !== props.value) props.onSave(d);
    setDraft(undefined);
  };
  return (
    <div>
      <div class="tabs" role="group" aria-label="Description view">
        <button class="btn ghost" aria-pressed={!preview()} onClick={() => setPreview(false)}>
          Write
        </button>
        <button
          class="btn ghost"
          aria-pressed={preview()}
          onClick={() => {
            save();
            setPreview(true);
          }}
        >
          Preview
        </button>
      </div>
      <Show
        when={preview()}
        fallback={
          <textarea
            class="field"
            rows="5"
            aria-label="Description (markdown)"
            placeholder="Describe the task (markdown)"
            value={text()}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onBlur={save}
          />
        }
      >
        <div class="preview" data-testid="description-preview">
          <Show when={text().trim()} fallback={<p class="state">Nothing to preview.</p>}>
            <Markdown text={text()} />
          </Show>
        </div>
      </Show>
    </div>
  );
}
