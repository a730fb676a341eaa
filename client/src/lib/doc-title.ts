import { createEffect, onCleanup } from 'solid-js';

// The tab says where you are: "<task> · <board> · Kanban". The board and the task set their part
// from where they are shown, so history entries and tabs read like the page.

const parts: { board?: string; task?: string } = {};

function apply() {
  document.title = [parts.task, parts.board, 'Kanban'].filter(Boolean).join(' · ');
}

/** Keeps one part of the title in step with `value` while the calling component lives. */
export function useTitlePart(part: 'board' | 'task', value: () => string | undefined) {
  createEffect(() => {
    parts[part] = value();
    apply();
  });
  onCleanup(() => {
    delete parts[part];
    apply();
  });
}
