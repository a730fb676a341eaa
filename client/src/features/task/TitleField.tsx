import { createSignal, untrack } from 'solid-js';
import { LIMITS, tooLong } from '../../lib/field-errors';
import { CharCount } from '../../ui/CharCount';
import { InputError } from '../../ui/InputError';

export interface TitleFieldProps {
  value: string;
  /** Saves; resolves to why it failed, or undefined. */
  onSave: (title: string) => Promise<string | undefined>;
}

/**
 * The open task's title. What is typed lives in a draft until it is saved, so a refused save (too
 * long, offline) leaves the text in place with the reason and a retry instead of snapping back to
 * the stored title.
 */
export function TitleField(props: TitleFieldProps) {
  const [draft, setDraft] = createSignal<string>();
  const [reason, setReason] = createSignal<string>();
  const text = () => draft() ?? props.value;
  const save = () => {
    const title = text().trim();
    if (!title || title === props.value) {
      setDraft(undefined);
      setReason(undefined);
      return;
    }
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
        onInput={(e) => setDraft(e.currentTarget.value)}
        onChange={save}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
      />
      <CharCount length={text().trim().length} max={LIMITS.taskTitle} />
      <InputError id="title-error" reason={reason()} onRetry={reason() ? save : undefined} />
    </div>
  );
}
