import { Show } from 'solid-js';

/** "480 / 500" once a text nears its limit (from 80 %), flagged when over it. */
export function CharCount(props: { length: number; max: number; id?: string }) {
  return (
    <Show when={props.length >= props.max * 0.8}>
      <span
        id={props.id}
        class="char-count"
        classList={{ over: props.length > props.max }}
        data-testid="char-count"
        aria-live="polite"
      >
        {props.length.toLocaleString('en-US')} / {props.max.toLocaleString('en-US')}
      </span>
    </Show>
  );
}
