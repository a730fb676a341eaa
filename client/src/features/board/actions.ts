import type { Priority } from '@kanban/shared';
import type { BoardData } from '../../collections/board-data';
import { commit, settle, type Outcome } from '../../collections/commit';
import { sortByPosition, spotAt, spotAtEnd, type Spot } from '../../collections/ordering';
import type { TaskRow } from '../../collections/types';

// Every board write: an optimistic change in a collection, confirmed by the server's txid
// (see collections/board-data.ts), rolled back with a toast when the server says no.

const now = () => new Date().toISOString();
// On an on-demand board the collection also holds partial rows (collections/board-pages.ts):
// a card is a sibling once its whole row is in.
const siblingsOf = (data: BoardData, columnId: string, exceptId?: string) =>
  sortByPosition(
    [...data.tasks.values()].filter(
      (t) => t.column_id === columnId && t.id !== exceptId && !t.archived_at && typeof t.title === 'string',
    ),
  );

/**
 * On an on-demand board, the spot after the last loaded card of a column with more cards is not
 * the end: the server places it (an empty placement is the end); the temporary key keeps the
 * optimistic card after the loaded ones until the real row comes.
 */
function endOf(data: BoardData, columnId: string, siblings: readonly TaskRow[], spot: Spot): Spot {
  const count = data.columns.get(columnId)?.card_count ?? 0;
  return data.pages && count > siblings.length ? { placement: {}, position: spot.position } : spot;
}

export function createTask(data: BoardData, columnId: string, title: string) {
  const siblings = siblingsOf(data, columnId);
  const spot = endOf(data, columnId, siblings, spotAtEnd(siblings));
  const row: TaskRow = {
    id: crypto.randomUUID(),
    board_id: data.boardId,
    column_id: columnId,
    title,
    description: '',
    position: spot.position,
    priority: 'none',
    model: null,
    agent_status: 'idle',
    agent_status_message: null,
    created_at: now(),
    updated_at: now(),
  };
  // The add-card input shows a failure beside the title it keeps, so no toast.
  return settle(data.tasks.insert(row), 'Creating the card', { quiet: true });
}

/** Moves a card to `index` among the other cards of `columnId` (full, unfiltered order). */
export function moveTask(data: BoardData, taskId: string, columnId: string, index: number) {
  const task = data.tasks.get(taskId);
  if (!task) return Promise.resolve(false);
  const siblings = siblingsOf(data, columnId, taskId);
  const spot =
    index >= siblings.length
      ? endOf(data, columnId, siblings, spotAt(siblings, index))
      : spotAt(siblings, index);
  const current = sortByPosition(siblingsOf(data, task.column_id)).findIndex((t) => t.id === taskId);
  if (columnId === task.column_id && current === index) return Promise.resolve(true);
  const tx = data.tasks.update(taskId, { metadata: { placement: spot.placement } }, (d) => {
    d.column_id = columnId;
    d.position = spot.position;
  });
  return commit(tx, 'Moving the card');
}

export function updateTask(
  data: BoardData,
  taskId: string,
  fields: Partial<{ title: string; description: string; priority: Priority }>,
) {
  return saveTask(data, taskId, fields).then((o) => o.ok);
}

/** `updateTask` with the reason of a failure; `quiet` when the caller shows it by its input. */
export function saveTask(
  data: BoardData,
  taskId: string,
  fields: Partial<{ title: string; description: string; priority: Priority }>,
  opts: { quiet?: boolean; ifDescription?: string } = {},
): Promise<Outcome> {
  const task = data.tasks.get(taskId);
  if (!task) return Promise.resolve({ ok: false, reason: 'This card no longer exists.' });
  const changed = Object.entries(fields).filter(([k, v]) => task[k as keyof TaskRow] !== v);
  if (!changed.length) return Promise.resolve({ ok: true });
  const metadata = opts.ifDescription ? { ifDescription: opts.ifDescription } : undefined;
  const tx = data.tasks.update(taskId, { metadata }, (d) => {
    for (const [k, v] of changed) (d as Record<string, unknown>)[k] = v;
  });
  return settle(tx, 'Saving the card', opts);
}

/** Replaces the task's assignees (board members' user ids). */
export function setAssignees(data: BoardData, taskId: string, userIds: string[]) {
  const tx = data.tasks.update(taskId, (d) => {
    d.assignee_ids = userIds;
  });
  return commit(tx, 'Changing the assignees');
}

/** The task's agent (one of its board's), or null for the board's default. */
export function setTaskAgent(data: BoardData, taskId: string, agentId: string | null) {
  const tx = data.tasks.update(taskId, (d) => {
    d.agent_id = agentId;
  });
  return commit(tx, 'Changing the agent');
}

/** The task's model, or null to use the agent's, then the board's default. */
export function setTaskModel(data: BoardData, taskId: string, model: string | null) {
  const tx = data.tasks.update(taskId, (d) => {
    d.model = model;
  });
  return commit(tx, 'Changing the model');
}

export function deleteTask(data: BoardData, taskId: string) {
  return commit(data.tasks.delete(taskId), 'Deleting the card');
}
