import { For, Show } from 'solid-js';
import { boardMembers } from '../../collections/board-members';
import { Avatar } from '../../ui/Avatar';

/** Who the task is assigned to: one checkbox per board member (read-only for viewers). */
export function AssigneePicker(props: {
  boardId: string;
  value: string[];
  readOnly: boolean;
  onChange: (userIds: string[]) => void;
}) {
  const toggle = (userId: string, on: boolean) => {
    const rest = props.value.filter((id) => id !== userId);
    props.onChange(on ? [...rest, userId] : rest);
  };
  return (
    <fieldset class="assignees-picker" data-testid="assignee-picker">
      <legend>Assignees</legend>
      <Show when={boardMembers(props.boardId).length} fallback={<span class="muted">Loading members…</span>}>
        <For each={boardMembers(props.boardId)}>
          {(m) => (
            <label class="check">
              <input
                type="checkbox"
                checked={props.value.includes(m.user_id)}
                disabled={props.readOnly}
                aria-label={`Assign ${m.user_name}`}
                onChange={(e) => toggle(m.user_id, e.currentTarget.checked)}
              />
              <Avatar name={m.user_name} color={m.user_color} small /> {m.user_name}
            </label>
          )}
        </For>
      </Show>
    </fieldset>
  );
}
