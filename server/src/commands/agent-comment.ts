import type { MessageRow } from '../db/schema';
import { Invalid, NotFound } from './errors';
import { check } from '../policy';
import { write, type CommandDeps } from './deps';

// An agent's comment in another task's chat (the `comment` tool): a finished assistant message
// written by that agent. It asks nothing, so no reply is queued (an agent cannot start a chain of
// replies by commenting); it is in the task's history like any answer.

export function postAgentComment(
  deps: CommandDeps,
  taskId: string,
  input: { content: string; agentId: string | null },
) {
  return write<MessageRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'chat', 'task', taskId);
    // The task first, as every writer of a task's messages (message-locks.ts).
    const task = await trx
      .selectFrom('tasks')
      .select('id')
      .where('id', '=', taskId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!task) throw new NotFound('task', taskId);
    if (!input.content.trim()) throw new Invalid('content: must not be empty');
    return trx
      .insertInto('messages')
      .values({
        task_id: taskId,
        role: 'assistant',
        status: 'completed',
        content: input.content,
        agent_id: input.agentId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
