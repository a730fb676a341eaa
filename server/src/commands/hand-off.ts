import type { MessageRow } from '../db/schema';
import { Invalid } from './errors';
import { write, type CommandDeps, type Trx } from './deps';
import { lockMessage } from './message-locks';
import { queueReplies, type AgentTriggers } from './agent-triggers';
import { check } from '../policy';

// A handoff (the `mention` tool, agent/mention-tool.ts): the agent writing reply `fromId` asks
// another agent of the board to answer next in the same task. The new reply is one step deeper
// than `fromId`; past AGENT_HANDOFF_DEPTH nothing is queued and the caller says so in the reply.

export type HandOff =
  | { queued: MessageRow; handle: string; depth: number }
  | { stopped: true; handle: string; depth: number; limit: number };

export function handOff(
  deps: CommandDeps & { agents: AgentTriggers },
  fromId: string,
  target: { handle: string },
) {
  return write<HandOff>(deps, async (trx) => {
    await check(trx, deps.actor, 'chat', 'message', fromId);
    const from = await lockMessage(trx, fromId); // the task first, then the message
    const handle = target.handle.trim().replace(/^@/, '').toLowerCase();
    const agents = await trx
      .selectFrom('agents')
      .select(['id', 'handle'])
      .where('board_id', '=', from.board_id)
      .orderBy('handle')
      .execute();
    const agent = agents.find((a) => a.handle === handle);
    if (!agent)
      throw new Invalid(
        `there is no agent @${handle} on this board (it has ${agents.map((a) => `@${a.handle}`).join(', ')})`,
      );
    if (agent.id === from.agent_id) throw new Invalid(`you are @${handle}: hand off to another agent`);
    const depth = from.handoff_depth + 1;
    if (depth > deps.agents.handoffDepth)
      return { stopped: true, handle, depth: from.handoff_depth, limit: deps.agents.handoffDepth };
    const [queued] = await queueReplies(trx, deps.agents, {
      taskId: from.task_id,
      parentId: await chainEnd(trx, from.id),
      agentIds: [agent.id],
      depth,
    });
    return { queued: queued!, handle, depth };
  });
}

/**
 * The last reply of the chain that follows `id` (the agents a message addressed answer one after
 * another, each replying to the one before): the handoff's reply goes after them, as their
 * successor — a second reply to the same message would be a *version* of the first (docs/chat.md).
 */
async function chainEnd(trx: Trx, id: string): Promise<string> {
  let end = id;
  for (let i = 0; i < 100; i++) {
    const next = await trx
      .selectFrom('messages')
      .select('id')
      .where('parent_id', '=', end)
      .where('role', '=', 'assistant')
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    if (!next) break;
    end = next.id;
  }
  return end;
}
