import { copyText } from './copy';

/** "Copy" for a whole message (its markdown source). */
export function CopyButton(props: { text: string; label?: string }) {
  return (
    <button
      type="button"
      class="btn ghost small"
      aria-label={props.label ?? 'Copy message'}
      title={props.label ?? 'Copy message'}
      data-testid="copy-message"
      onClick={() => void copyText(props.text, 'Message copied')}
    >
      Copy
    </button>
  );
}
