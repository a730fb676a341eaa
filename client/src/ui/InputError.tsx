import { Show } from 'solid-js';

/** Why a write failed, beside the input that still holds the text, with a retry. */
export function InputError(props: { reason: string | undefined; onRetry?: () => void; id?: string }) {
  return (
    <Show when={props.reason}>
      <div class="input-error" role="alert" id={props.id} data-testid="input-error">
        <span>{props.reason}</span>
        <Show when={props.onRetry}>
          <button type="button" class="btn" onClick={() => props.onRetry?.()}>
            Retry
          </button>
        </Show>
      </div>
    </Show>
  );
}
