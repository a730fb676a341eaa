import { createSignal, Show, untrack } from 'solid-js';
import { LIMITS, tooLong } from '../../lib/field-errors';
import { CharCount } from '../../ui/CharCount';
import { InputError } from '../../ui/InputError';
import { EditConflict } from './EditConflict';
import { useChangedBy } from './who-changed';

export interface TitleFieldProps {
  value: string;
  /** Who last changed the task (its updated_by), named when their rename meets typing here. */
  updatedBy: string | null | undefined;
  boardId: string;
  /** Saves; resolves to why it failed, or undefined. */
  onSave: (title: string) => Promise<string | undefined>;
}

/**
 * The open task's title. What is typed lives in a draft until it is saved, so a refused save (too
 * long, offline) leaves the text in place with the reason and a retry instead of snapping back to
 * the stored title, and a rename by someone else never replaces it under the cursor: the draft
 * remembers the title it started from, and when the stored one moves on, the person is told who
 * renamed it and chooses (nothing is saved over theirs until then).
 */
export function TitleField(props: TitleFieldProps) {
  const [draft, setDraft] = createSignal<string>();
  const [base, setBase] = createSignal<string>('');
  const [reason, setReason] = createSignal<string>();
  const text = () => draft() ?? props.value;
  const changedBy = useChangedBy(
    () => props.boardId,
    () => props.updatedBy,
  );
  // Theirs moved on from what this draft started from, to something else than the draft.
  const conflict = () => {
    const d = draft();
    return d !== undefined && props.value !== base() && d.trim() !== props.value;
  };
  const drop = () => {
    setDraft(undefined);
    setReason(undefined);
  };
  const save = () => {
    if (conflict()) return; // the notice asks first
    const title = text().trim();
    if (!title || title === props.value) return drop();
    if (title.length > LIMITS.taskTitle) {
      setReason(`${tooLong('Title', title.length, LIMITS.taskTitle)}. Shorten it to save.`);
      return;
    }
    setReason(undefined);
    void props.onSave(title).then((r) => {
      // Saved: the row now holds it; drop the draft unless typing went on meanwhile.
      if (r !== undefined) setReason(r);
      else if (untrack(draft)?.trim() === title) setDraft(undefined);
    });
  };
  return (
    <div class="title-field">
      <input
        class="field"
        aria-label="Title"
        aria-describedby="title-error"
        value={text()}
        onInput={(e) => {
          if (draft() === undefined) setBase(props.value);
          setDraft(e.currentTarget.value);
        }}
        onChange={save}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
      />
      <CharCount length={text().trim().length} max={LIMITS.taskTitle} />
      <InputError id="title-error" reason={reason()} onRetry={reason() ? save : undefined} />
      <Show when={conflict()}>
        <EditConflict
          who={changedBy()}
          what="title"
          theirs={props.value}
          onKeepMine={() => {
            setBase(props.value);
            save();
          }}
          onTakeTheirs={drop}
        />
      </Show>
    </div>
  );
}
