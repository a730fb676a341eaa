import { For, Show } from 'solid-js';
import { availableModels, modelLabel } from './models';

/**
 * A model name or null ("use the default"): a select of the server's models, or a text field
 * when the server has no list. A stored name the list lacks stays selectable.
 */
export function ModelPicker(props: {
  value: string | null;
  /** What null means here: "agent's or board's default", "server default". */
  defaultLabel: string;
  label: string;
  disabled?: boolean;
  onChange: (model: string | null) => void;
}) {
  const list = () => availableModels() ?? [];
  const known = () => !props.value || list().some((m) => m.id === props.value);
  return (
    <Show
      when={availableModels() !== null}
      fallback={
        <input
          class="field"
          maxlength="200"
          aria-label={props.label}
          placeholder={props.defaultLabel}
          disabled={props.disabled}
          value={props.value ?? ''}
          onChange={(e) => props.onChange(e.currentTarget.value.trim() || null)}
        />
      }
    >
      <select
        class="field"
        aria-label={props.label}
        disabled={props.disabled}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.currentTarget.value || null)}
      >
        <option value="" selected={!props.value}>
          {props.defaultLabel}
        </option>
        <For each={list()}>
          {(m) => (
            <option value={m.id} selected={m.id === props.value}>
              {modelLabel(m)}
            </option>
          )}
        </For>
        <Show when={!known()}>
          <option value={props.value!} selected>
            {props.value}
          </option>
        </Show>
      </select>
    </Show>
  );
}
