import type { Kysely } from 'kysely';
import type { AgentTriggers } from '../commands/agent-triggers';
import type { Database, MessageRow } from '../db/schema';
import { mentionTool } from './mention-tool';

// What a reply's tools need from the routing side: the triggers its board tools' commands use
// (a card this reply moves into a hooked column, a task it delegates: one step deeper than this
// reply, and never its own hook), and the `mention` tool.

export function replyRouting(
  deps: { commands?: Kysely<Database>; triggers?: AgentTriggers },
  reply: Pick<MessageRow, 'id' | 'board_id' | 'agent_id' | 'handoff_depth'>,
  note: (text: string) => void,
) {
  if (!deps.commands || !deps.triggers) return { agents: undefined, tools: [] };
  const agents: AgentTriggers = {
    ...deps.triggers,
    origin: { messageId: reply.id, agentId: reply.agent_id, depth: reply.handoff_depth },
  };
  const mention = mentionTool({
    db: deps.commands,
    boardId: reply.board_id,
    agentId: reply.agent_id,
    messageId: reply.id,
    triggers: agents,
    note,
  });
  return { agents, tools: [mention] };
}
