import { createSignal, Show, untrack } from 'solid-js';
import type { Outcome } from '../../collections/commit';
import { Markdown } from '../../ui/Markdown';
import { EditConflict } from './EditConflict';
import { useChangedBy } from './who-changed';

/**
 * The task description. At rest it takes little room: the rendered markdown (height-capped) or a
 * one-line "Add a description" button, so the chat below keeps the panel. Editing opens a
 * Write / Preview editor; the text is saved whenever focus leaves the textarea, so nothing typed
 * is lost, and Done (or Escape) goes back to the rendered view.
 *
 * Two people editing it: the draft remembers the text it was edited from (`base`), and a save
 * only replaces that text (the server answers 409 otherwise, see shared/src/text-version.ts).
 * When theirs moved on, mine stays in the editor, theirs is shown with who wrote it, and the
 * person chooses; neither text is lost.
 */
export function DescriptionEditor(props: {
  value: string;
  /** Who last changed the task (its updated_by). */
  updatedBy: string | null | undefined;
  boardId: string;
  /** Saves `text`, edited from `base`; resolves to the outcome (409: changed meanwhile). */
  onSave: (text: string, base: string) => Promise<Outcome>;
}) {
  const [editing, setEditing] = createSignal(false);
  const [preview, setPreview] = createSignal(false);
  const [draft, setDraft] = createSignal<string>();
  const [base, setBase] = createSignal('');
  const [refused, setRefused] = createSignal(false);
  const text = () => draft() ?? props.value;
  const changedBy = useChangedBy(
    () => props.boardId,
    () => props.updatedBy,
  );
  const conflict = () => {
    const d = draft();
    return d !== undefined && d !== props.value && (refused() || props.value !== base());
  };
  let editButton: HTMLButtonElement | undefined;
  const save = () => {
    const d = draft();
    if (d === undefined || conflict()) return;
    if (d === props.value) return void setDraft(undefined);
    const from = base();
    void props.onSave(d, from).then((o) => {
      if (o.ok) {
        setBase(d);
        if (untrack(draft) === d) setDraft(undefined);
      } else if (o.status === 409) setRefused(true);
    });
  };
  const open = () => {
    setBase(props.value);
    setRefused(false);
    setPreview(false);
    setEditing(true);
  };
  const done = () => {
    save();
    // With a conflict open, the editor stays: it holds the text that is not saved.
    if (conflict()) return;
    setEditing(false);
    queueMicrotask(() => editButton?.focus());
  };
  const keepMine = () => {
    setBase(props.value);
    setRefused(false);
    save();
  };
  const takeTheirs = () => {
    setBase(props.value);
    setRefused(false);
    setDraft(undefined);
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
        <Show when={conflict()}>
          <EditConflict
            who={changedBy()}
            what="description"
            theirs={props.value}
            onKeepMine={keepMine}
            onTakeTheirs={takeTheirs}
          />
        </Show>
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
