import type { TaskActivity } from '@kanban/shared';

// One history entry as a sentence. Column and label names are looked up now (a renamed column
// reads with its current name); an id no longer known reads as "a deleted …".

export interface Names {
  column: (id: string) => string | undefined;
  label: (id: string) => string | undefined;
  member: (id: string) => string | undefined;
}

const list = (ids: unknown, name: (id: string) => string | undefined, what: string) => {
  const arr = Array.isArray(ids) ? (ids as string[]) : [];
  return arr.length ? arr.map((id) => name(id) ?? `a deleted ${what}`).join(', ') : 'none';
};

export function activityText(a: Pick<TaskActivity, 'kind' | 'data' | 'actor_name'>, names: Names): string {
  const who = a.actor_name ?? (a.kind === 'agent-replied' ? 'The agent' : 'Someone');
  const d = a.data;
  const col = (id: unknown) => (typeof id === 'string' ? (names.column(id) ?? 'another board') : '?');
  switch (a.kind) {
    case 'created':
      return `${who} created the card in ${col(d.columnId)}`;
    case 'moved':
      return `${who} moved the card from ${col(d.fromColumnId)} to ${col(d.toColumnId)}`;
    case 'edited': {
      const fields = Array.isArray(d.fields) ? (d.fields as string[]) : [];
      return `${who} edited the ${fields.join(', ')}${typeof d.title === 'string' && fields.includes('title') ? ` (now “${d.title}”)` : ''}`;
    }
    case 'assigned':
      return `${who} set the assignees: ${list(d.assigneeIds, names.member, 'member')}`;
    case 'labelled':
      return `${who} set the labels: ${list(d.labelIds, names.label, 'label')}`;
    case 'due':
      return typeof d.dueDate === 'string'
        ? `${who} set the due date to ${d.dueDate}`
        : `${who} cleared the due date`;
    // With a columnId the card went (or came back) with its column (commands/archive.ts).
    case 'archived':
      return d.columnId
        ? `${who} archived the column ${col(d.columnId)}, and the card with it`
        : `${who} archived the card`;
    case 'restored':
      return d.columnId
        ? `${who} restored the column ${col(d.columnId)}, and the card with it`
        : `${who} restored the card`;
    case 'asked':
      return `${who} asked the agent`;
    case 'agent-replied':
      return d.status === 'completed' ? 'The agent replied' : `The agent's reply ended ${String(d.status)}`;
  }
}

/** A timestamptz as Postgres writes it ("2026-12-02 01:42:34.1+00") or ISO, as a Date. */
export const parseTimestamp = (t: string) => new Date(t.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
