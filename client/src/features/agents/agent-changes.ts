import { createEffect, onCleanup } from 'solid-js';
import { clearFlashes, flash } from './agent-flash';
import type { TaskRow } from '../../collections/types';
import type { AgentRow } from './types';

// "Planner changed this": a card an agent changed (moved, edited, created as a subtask) says so
// for a few seconds. Agent writes carry no user in `updated_by` (the server's agent actor has no
// user id, docs/agents.md), so a content change whose updated_by is not a person, arriving
// after the board loaded, is an agent's; which one is told by the agent id when the row carries
// one, else by the reply that is working on the board at that moment.

/** A reply still open on the board: its task and its agent (null: the board's default). */
export interface OpenReply {
  task_id: string;
  agent_id?: string | null;
}

/** The fields a person would call "the card changed" (not the agent's own status fields). */
const CONTENT = [
  'title',
  'description',
  'column_id',
  'position',
  'priority',
  'label_ids',
  'due_date',
  'archived_at',
  'assignee_ids',
  'parent_id',
] as const;

export const contentKey = (t: TaskRow) =>
  JSON.stringify(CONTENT.map((k) => (t as unknown as Record<string, unknown>)[k] ?? null));

/** The agent id a row names as its writer, if the server records one. */
const agentIdOf = (t: TaskRow) => {
  const v = (t as unknown as Record<string, unknown>).updated_by_agent_id;
  return typeof v === 'string' ? v : undefined;
};

/**
 * Who changed `next` (was `prev`, undefined for a new row), if it was an agent: its name, or
 * "An agent". `open` are the replies working on the board now. An optimistic write of this
 * browser does not count: it has no server `updated_at` of its own and no `created_by: null`.
 */
export function agentChange(
  prev: TaskRow | undefined,
  next: TaskRow,
  agents: readonly AgentRow[],
  open: readonly OpenReply[],
): string | undefined {
  if (prev && (contentKey(prev) === contentKey(next) || prev.updated_at === next.updated_at))
    return undefined;
  const by = prev ? next.updated_by : next.created_by;
  const named = agentIdOf(next) ?? (by && agents.some((a) => a.id === by) ? by : undefined);
  // A person's write (or a row that does not say: an optimistic one, an older server).
  if (!named && by !== null) return undefined;
  const working = open.filter((m) => m.agent_id);
  if (!named && !open.length) return undefined; // no agent at work: a system write
  const id =
    named ??
    (
      working.find((m) => m.task_id === next.id) ??
      working.find((m) => m.task_id === next.parent_id) ??
      (working.length === 1 ? working[0] : undefined)
    )?.agent_id;
  return agents.find((a) => a.id === id)?.name ?? 'An agent';
}

/** Watches the board's tasks for agent changes, from the moment the board is ready. */
export function watchAgentChanges(opts: {
  ready: () => boolean;
  tasks: () => TaskRow[];
  /** From the chat summary on the task rows (migrations/0090): the board has no messages. */
  openReplies: () => OpenReply[];
  agents: () => AgentRow[];
}) {
  let seen: Map<string, TaskRow> | undefined;
  createEffect(() => {
    const rows = opts.tasks();
    if (!opts.ready()) return;
    const before = seen;
    seen = new Map(rows.map((t) => [t.id, { ...t }]));
    if (!before) return; // the board's first load: nothing "just changed"
    const open = opts.openReplies();
    for (const t of rows) {
      const prev = before.get(t.id);
      const name = agentChange(prev, t, opts.agents(), open);
      if (name) flash(t.id, `${name} ${prev ? 'changed' : 'added'} this`);
    }
  });
  onCleanup(clearFlashes);
}
