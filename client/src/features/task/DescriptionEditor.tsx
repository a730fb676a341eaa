import { createSignal, Show } from 'solid-js';
import { Markdown } from '../../ui/Markdown';

/**
 * The task description. At rest it takes little room: the rendered markdown (height-capped) or a
 * one-line "Add a description" button, so the chat below keeps the panel. Editing opens a
 * Write / Preview editor; the text is saved whenever focus leaves the textarea, so nothing typed
 * is lost, and Done (or Escape) goes back to the rendered view.
 */
export function DescriptionEditor(props: { value: string; onSave: (text: string) => void }) {
  const [editing, setEditing] = createSignal(false);
  const [preview, setPreview] = createSignal(false);
  const [draft, setDraft] = createSignal<string>();
  const text = () => draft() ?? props.value;
  let editButton: HTMLButtonElement | undefined;
  const save = () => {
    const d = draft();
    if (d !== undefined && d !== props.value) props.onSave(d);
    setDraft(undefined);
  };
  const open = () => {
    setPreview(false);
    setEditing(true);
  };
  const done = () => {
    save();
    setEditing(false);
    queueMicrotask(() => editButton?.focus());
  };
  return (
    <section class="description" aria-label="Description">
      <div class="section-head">
        <h3>Description</h3>
        <Show when={!editing() && props.value.trim()}>
          <button class="btn small" ref={editButton} onClick={open}>
            Edit
          </button>
        </Show>
      </div>
      <Show
        when={editing()}
        fallback={
          <Show
            when={props.value.trim()}
            fallback={
              <button class="btn ghost add-description" ref={editButton} onClick={open}>
                + Add a description
              </button>
            }
          >
            <div class="description-view" data-testid="description-view">
              <Markdown text={props.value} />
            </div>
          </Show>
        }
      >
        <div class="tabs" role="group" aria-label="Description view">
          <button class="btn ghost small" aria-pressed={!preview()} onClick={() => setPreview(false)}>
            Write
          </button>
          <button
            class="btn ghost small"
            aria-pressed={preview()}
            onClick={() => {
              save();
              setPreview(true);
            }}
          >
            Preview
          </button>
          <span style={{ flex: '1' }} />
          <button class="btn small" onClick={done}>
            Done
          </button>
        </div>
        <Show
          when={preview()}
          fallback={
            <textarea
              class="field"
              rows="6"
              aria-label="Description (markdown)"
              placeholder="Describe the task (markdown)"
              value={text()}
              ref={(el) => queueMicrotask(() => el.focus())}
              onInput={(e) => setDraft(e.currentTarget.value)}
              onBlur={save}
              onKeyDown={(e) => {
                if (e.key === 'Escape' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey))) {
                  // Escape here leaves the editor, not the whole panel.
                  e.stopPropagation();
                  done();
                }
              }}
            />
          }
        >
          <div class="preview" data-testid="description-preview">
            <Show when={text().trim()} fallback={<p class="muted">Nothing to preview.</p>}>
              <Markdown text={text()} />
            </Show>
          </div>
        </Show>
      </Show>
    </section>
  );
}
