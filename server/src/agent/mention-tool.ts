import type { Kysely } from 'kysely';
import { tool } from 'langchain';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { AgentTriggers } from '../commands/agent-triggers';
import { DomainError } from '../commands/errors';
import { handOff } from '../commands/hand-off';
import type { Database } from '../db/schema';

// The `mention` tool: the agent hands the conversation to another agent of the board, which
// answers next in the same task (commands/hand-off.ts). What happened is also written into the
// reply itself (`note`), so viewers — and the next agent, which reads this reply — see it.

export interface MentionToolContext {
  db: Kysely<Database>;
  boardId: string;
  /** The agent writing this reply. */
  agentId: string | null;
  /** This reply. */
  messageId: string;
  triggers: AgentTriggers;
  /** Appends visible text to the reply being written. */
  note(text: string): void;
}

// Built once: LangChain caches a schema's JSON Schema by the object (see board-tools.ts).
const MENTION_ARGS = z.object({
  handle: z.string().min(1).max(40).describe('the agent’s handle, e.g. "writer" or "@writer"'),
  note: z.string().max(2000).optional().describe('what the other agent should do'),
});

export function mentionTool(ctx: MentionToolContext) {
  const actor: Actor = { kind: 'agent', boardId: ctx.boardId, agentId: ctx.agentId };
  return tool(
    async ({ handle, note }) => {
      try {
        const { data } = await handOff({ db: ctx.db, actor, agents: ctx.triggers }, ctx.messageId, {
          handle,
        });
        if ('stopped' in data) {
          ctx.note(
            `\n\n_Handoff to @${data.handle} stopped: this conversation already went through ${data.depth} ` +
              `agent handoff${data.depth === 1 ? '' : 's'}, the limit (AGENT_HANDOFF_DEPTH = ${data.limit})._\n\n`,
          );
          return `error: handoff limit reached (${data.limit}); @${data.handle} will not answer. Finish the answer yourself.`;
        }
        ctx.note(`\n\n→ @${data.handle}${note ? `: ${note}` : ''}\n\n`);
        return JSON.stringify({ handedOff: `@${data.handle}`, answersNext: true });
      } catch (err) {
        return err instanceof DomainError ? `error: ${err.detail}` : 'error: the handoff failed';
      }
    },
    {
      name: 'mention',
      description:
        'Hand off to another agent of this board: it answers next in this chat, after you. ' +
        'Give its handle and, optionally, a note of what you want from it.',
      schema: MENTION_ARGS,
    },
  );
}
