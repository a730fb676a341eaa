import { TERMINAL_STATUSES, type EditMessageBody } from '@kanban/shared';
import type { MessageRow } from '../db/schema';
import { Conflict, Forbidden } from './errors';
import { write } from './deps';
import { lockMessage } from './message-locks';
import type { MessageDeps } from './message-deps';
import { check } from '../policy';
import { answeringAgents } from '../agent/addressing';
import { queueReplies } from './agent-triggers';

/**
 * Edit and resend (docs/chat.md): the author of a user message changes its text, every message
 * after it in the task's chat goes (the replies answered the old text), and a new queued reply
 * to the edited message is sent, in one transaction. Refused while a later reply is still
 * queued or streaming: its worker would write into a deleted row (cancel it first).
 */
export function editMessage(deps: MessageDeps, id: string, body: EditMessageBody) {
  return write<MessageRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'chat', 'message', id);
    const m = await lockMessage(trx, id); // task first, then the message (message-locks.ts)
    if (m.role !== 'user') throw new Conflict(`message ${id} is not a user message`);
    if (deps.actor.kind !== 'user' || m.author_id !== deps.actor.userId)
      throw new Forbidden('only the author of a message can edit it');
    const running = await trx
      .selectFrom('messages')
      .select('id')
      .where('task_id', '=', m.task_id)
      .where('seq', '>', m.seq)
      .where('status', 'not in', [...TERMINAL_STATUSES])
      .executeTakeFirst();
    if (running)
      throw new Conflict(`a later reply (${running.id}) is still running; cancel it or wait, then edit`);
    await trx.deleteFrom('messages').where('task_id', '=', m.task_id).where('seq', '>', m.seq).execute();
    await trx.updateTable('messages').set({ content: body.content }).where('id', '=', id).execute();
    // The edited text is addressed again (its mentions may have changed): the first reply is the answer.
    const [reply] = await queueReplies(trx, deps, {
      taskId: m.task_id,
      parentId: id,
      agentIds: await answeringAgents(trx, m.task_id, body.content),
      depth: 0,
    });
    return reply!;
  });
}
