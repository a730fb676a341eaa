import type { MessageRow } from '../db/schema';
import { Conflict } from './errors';
import { write } from './deps';
import { lockMessage } from './message-locks';
import type { MessageDeps } from './message-deps';
import { check } from '../policy';

/**
 * Answers the same user message again: a new queued reply (the ended one stays in the history,
 * since people saw it) and its job, in one transaction. Only failed, cancelled or interrupted
 * replies can be retried.
 */
export function retryMessage(deps: MessageDeps, id: string, mode: 'retry' | 'regenerate' = 'retry') {
  return write<MessageRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'chat', 'message', id);
    const m = await lockMessage(trx, id); // task first, then the message (message-locks.ts)
    if (m.role !== 'assistant' || !m.parent_id) throw new Conflict(`message ${id} is not an agent reply`);
    if (mode === 'retry' && !['failed', 'cancelled', 'interrupted'].includes(m.status))
      throw new Conflict(
        `only a failed, cancelled or interrupted reply can be retried (this one is ${m.status})`,
      );
    if (mode === 'regenerate' && !['completed', 'failed', 'cancelled', 'interrupted'].includes(m.status))
      throw new Conflict(`a reply can be regenerated once it has ended (this one is ${m.status})`);
    // A new version answers the same question, so it must be the newest version of the newest
    // exchange: later messages were written after (and about) the reply people saw.
    const later = await trx
      .selectFrom('messages')
      .select('id')
      .where('task_id', '=', m.task_id)
      .where('seq', '>', m.seq)
      .executeTakeFirst();
    if (later)
      throw new Conflict(
        mode === 'retry'
          ? 'this reply was already retried or the chat went on; retry the newest reply'
          : 'only the newest reply can be regenerated (later messages build on this one)',
      );
    const reply = await trx
      .insertInto('messages')
      // the same agent answers again, at the same place in its chain
      .values({
        task_id: m.task_id,
        role: 'assistant',
        status: 'queued',
        parent_id: m.parent_id,
        agent_id: m.agent_id,
        handoff_depth: m.handoff_depth,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('tasks')
      .set({ agent_status: 'queued', agent_status_message: null })
      .where('id', '=', m.task_id)
      .where('agent_status', 'in', ['idle', 'error'])
      .execute();
    await deps.enqueueReply(trx, { messageId: reply.id, taskId: m.task_id });
    return reply;
  });
}
