import { For } from 'solid-js';
import type { AgentRow } from './types';

/** The task's agent: one of the board's, or the board's default (null). */
export function AgentPicker(props: {
  agents: AgentRow[];
  value: string | null | undefined;
  disabled?: boolean;
  onChange: (agentId: string | null) => void;
}) {
  const fallback = () => props.agents.find((a) => a.is_default);
  return (
    <select
      class="field"
      aria-label="Agent"
      disabled={props.disabled}
      value={props.value ?? ''}
      onChange={(e) => props.onChange(e.currentTarget.value || null)}
    >
      <option value="" selected={!props.value}>
        Board default{fallback() ? ` (@${fallback()!.handle})` : ''}
      </option>
      <For each={props.agents}>
        {(a) => (
          <option value={a.id} selected={a.id === props.value}>
            {a.name} (@{a.handle})
          </option>
        )}
      </For>
    </select>
  );
}
