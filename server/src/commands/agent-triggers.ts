import { randomUUID } from 'node:crypto';
import type { ReplyJob } from '../jobs/boss';
import type { MessageRow } from '../db/schema';
import type { CommandDeps, Trx } from './deps';
import { recordActivity } from './activity';

// What lets a command set an agent to work: send a reply job inside its own transaction (a
// delegation, a column hook, a handoff commit or roll back with the change that caused them),
// and tell a board's viewers that its agents changed. Present when the app runs the agent
// pipeline (jobs/agent-runtime.ts); without it those commands only write their rows.

export interface AgentTriggers {
  /** Sends a reply job inside the caller's transaction (pg-boss; the job id is the reply's). */
  enqueueReply(trx: Trx, job: ReplyJob): Promise<void>;
  /** `agents.changed` to the board room, after the change committed. */
  agentsChanged(boardId: string): void;
  /** AGENT_HANDOFF_DEPTH: agent-to-agent steps in a row before a chain stops. */
  handoffDepth: number;
  /**
   * Set when the writer is an agent's reply (its tools): what the write sets off is one step
   * deeper than that reply, and a hook of that same agent does not fire for its own move.
   */
  origin?: { messageId: string; agentId: string | null; depth: number };
}

/** The depth a reply set off by this writer gets: one more than an agent's reply, else 0. */
export const nextDepth = (t: AgentTriggers) => (t.origin ? t.origin.depth + 1 : 0);

/**
 * Ids in ascending order: pg-boss runs a task's jobs (key_strict_fifo) by creation time, then by
 * id, and jobs sent in one transaction share its timestamp — so the order of these ids is the
 * order the agents answer in.
 */
export const orderedIds = (n: number) => Array.from({ length: n }, () => randomUUID()).sort();

/**
 * Queues one reply per agent, in order, each answering the one before it (the first answers
 * `parentId`): one assistant message each (`agent_id` = its author) and its job, so each agent
 * sees the previous agents' answers. A chain, not siblings: replies sharing a parent are
 * versions of one answer (regenerate, docs/chat.md).
 */
export async function queueReplies(
  trx: Trx,
  triggers: Pick<AgentTriggers, 'enqueueReply'>,
  o: { taskId: string; parentId: string; agentIds: (string | null)[]; depth: number; ids?: string[] },
): Promise<MessageRow[]> {
  const ids = o.ids ?? orderedIds(o.agentIds.length);
  const rows: MessageRow[] = [];
  let parent = o.parentId;
  for (const [i, agentId] of o.agentIds.entries()) {
    const row = await trx
      .insertInto('messages')
      .values({
        id: ids[i]!,
        task_id: o.taskId,
        role: 'assistant',
        status: 'queued',
        parent_id: parent,
        agent_id: agentId,
        handoff_depth: o.depth,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    rows.push(row);
    parent = row.id;
  }
  if (!rows.length) return rows;
  await trx
    .updateTable('tasks')
    .set({ agent_status: 'queued', agent_status_message: null })
    .where('id', '=', o.taskId)
    .where('agent_status', 'in', ['idle', 'error'])
    .execute();
  for (const r of rows) await triggers.enqueueReply(trx, { messageId: r.id, taskId: o.taskId });
  return rows;
}

/**
 * Asks one agent in a task's chat on the writer's behalf (a delegation, a column hook): a user
 * message with `content` — written by the person who acted, or named after the agent whose tool
 * acted — and the agent's queued reply. The caller holds the task's row lock (task first, then
 * its messages: message-locks.ts).
 */
export async function askAgent(
  trx: Trx,
  deps: CommandDeps & { agents: AgentTriggers },
  o: { taskId: string; agentId: string; content: string; via: 'delegation' | 'hook'; byAgent?: string },
): Promise<MessageRow> {
  const user = deps.actor.kind === 'user' ? deps.actor : undefined;
  const asked = await trx
    .insertInto('messages')
    .values({
      task_id: o.taskId,
      role: 'user',
      status: 'completed',
      content: o.content,
      author_id: user?.userId ?? null,
      author_name: user?.name ?? o.byAgent ?? null,
      handoff_depth: nextDepth(deps.agents),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordActivity(trx, deps.actor, o.taskId, 'asked', { messageId: asked.id, via: o.via });
  const [reply] = await queueReplies(trx, deps.agents, {
    taskId: o.taskId,
    parentId: asked.id,
    agentIds: [o.agentId],
    depth: nextDepth(deps.agents),
  });
  return reply!;
}
