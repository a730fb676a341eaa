import { sql, type Kysely } from 'kysely';
import { ALL_AGENTS, parseMentions } from '@kanban/shared';
import type { Database } from '../db/schema';

// Who answers a user message (docs/agents.md, "Who answers"): the agents it @mentions, in the
// order it names them (`@all`: every agent of the board, the default first, then by handle),
// each once; no mention → the task's agent, else the board's default (resolved in the insert).

export interface BoardAgent {
  id: string;
  handle: string;
}

/** The agents `text` addresses among the board's (in listAgents order); empty: none named. */
export function addressedAgents(text: string, agents: readonly BoardAgent[]): BoardAgent[] {
  const byHandle = new Map(agents.map((a) => [a.handle, a]));
  const out: BoardAgent[] = [];
  for (const h of parseMentions(text, new Set(byHandle.keys())))
    for (const a of h === ALL_AGENTS ? agents : [byHandle.get(h)!]) if (!out.includes(a)) out.push(a);
  return out;
}

/** The agents of a task's board, the default first, then by handle (as listAgents orders them). */
export async function taskBoardAgents(db: Kysely<Database>, taskId: string): Promise<BoardAgent[]> {
  return db
    .selectFrom('agents')
    .select(['agents.id', 'agents.handle'])
    .where('agents.board_id', '=', sql<string>`(SELECT board_id FROM tasks WHERE id = ${taskId})`)
    .orderBy('agents.is_default', 'desc')
    .orderBy('agents.handle')
    .execute();
}

/** The agents a message addresses: reads the board's agents only when the text has an `@`. */
export async function resolveAddressees(
  db: Kysely<Database>,
  taskId: string,
  text: string,
): Promise<BoardAgent[]> {
  if (!text.includes('@')) return [];
  return addressedAgents(text, await taskBoardAgents(db, taskId));
}

/** No mention: the task's agent (if it is one of the task's board), else the board's default. */
export async function defaultAgentId(db: Kysely<Database>, taskId: string): Promise<string | null> {
  const row = await db
    .selectFrom('tasks as t')
    .leftJoin('agents as ta', (j) =>
      j.onRef('ta.id', '=', 't.agent_id').onRef('ta.board_id', '=', 't.board_id'),
    )
    .leftJoin('agents as d', (j) => j.onRef('d.board_id', '=', 't.board_id').on('d.is_default', '=', true))
    .select(['ta.id as own', 'd.id as fallback'])
    .where('t.id', '=', taskId)
    .executeTakeFirst();
  return row?.own ?? row?.fallback ?? null;
}

/** The agents that answer `text` in a task, in order: the addressed ones, else the default one. */
export async function answeringAgents(db: Kysely<Database>, taskId: string, text: string) {
  const named = await resolveAddressees(db, taskId, text);
  return named.length ? named.map((a) => a.id) : [await defaultAgentId(db, taskId)];
}
