import type { PostMessageBody } from '@kanban/shared';
import type { MessageRow } from '../db/schema';
import { notFound } from '../http/problem';
import { Replay, write } from './deps';
import type { MessageDeps } from './message-deps';
import { replayExisting } from './replay';
import { mark } from '../agent/trace';

export interface PostedRows {
  user: MessageRow;
  assistant: MessageRow;
}

/**
 * Saves the user's message and a queued assistant reply, and sends the reply job, in one
 * transaction: the job exists if and only if the messages do. Idempotent on a client id.
 */
export async function postMessage(deps: MessageDeps, taskId: string, body: PostMessageBody) {
  mark(taskId, 'post.start');
  const out = await write<PostedRows>(deps, async (trx) => {
    const task = await trx
      .selectFrom('tasks')
      .select('id')
      .where('id', '=', taskId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!task) throw notFound('task', taskId);
    const user = await trx
      .insertInto('messages')
      .values({
        ...(body.id ? { id: body.id } : {}),
        task_id: taskId,
        role: 'user',
        content: body.content,
        status: 'completed',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!user) {
      const again = await replayExisting<MessageRow>(
        trx,
        'messages',
        body.id!,
        (m) => m.task_id === taskId && m.role === 'user' && m.content === body.content,
      );
      const assistant = await trx
        .selectFrom('messages')
        .selectAll()
        .where('parent_id', '=', body.id!)
        .orderBy('seq')
        .executeTakeFirstOrThrow();
      return new Replay({ user: again.data, assistant }, again.txid);
    }
    const assistant = await trx
      .insertInto('messages')
      .values({ task_id: taskId, role: 'assistant', status: 'queued', parent_id: user.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    // A task already thinking or streaming keeps showing that; the next reply waits behind it.
    await trx
      .updateTable('tasks')
      .set({ agent_status: 'queued', agent_status_message: null })
      .where('id', '=', taskId)
      .where('agent_status', 'in', ['idle', 'error'])
      .execute();
    await deps.enqueueReply(trx, { messageId: assistant.id, taskId });
    return { user, assistant };
  });
  mark(taskId, 'post.commit');
  return out;
}
