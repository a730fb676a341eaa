import { Show, type JSX } from 'solid-js';

/**
 * The foot of a settings form: why the last save failed (an alert), then Cancel and the primary
 * save button on the right, `start` (e.g. a danger action) on the left. Without `onSave` the save
 * button submits its form.
 */
export function SaveRow(props: {
  error: string | undefined;
  saveLabel: string;
  onCancel: () => void;
  onSave?: () => void;
  busy?: boolean;
  start?: JSX.Element;
}) {
  return (
    <>
      <Show when={props.error}>
        <p class="input-error" role="alert">
          {props.error}
        </p>
      </Show>
      <div class="actions">
        {props.start}
        <span class="spacer" />
        <button type="button" class="btn" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button
          type={props.onSave ? 'button' : 'submit'}
          class="btn primary"
          disabled={props.busy}
          onClick={() => props.onSave?.()}
        >
          {props.saveLabel}
        </button>
      </div>
    </>
  );
}
