import type { MessageRow } from '../db/schema';
import { NotFound } from './errors';
import type { Trx } from './deps';

// The one lock order for a task and its messages, kept by every writer (commands and the reply
// worker's statements in jobs/reply-store.ts): the task row first, then its messages. A task's
// board move locks the task, then its trigger updates every message of it (migrations/0001), so
// a writer that held a message while waiting for its task deadlocked with it (40P01).
// FOR NO KEY UPDATE, not FOR UPDATE: foreign-key checks (a run row inserted for the message)
// take FOR KEY SHARE, which FOR UPDATE would block.

/** Locks the message's task, then the message; 404 if either is gone. */
export async function lockMessage(trx: Trx, id: string): Promise<MessageRow> {
  const task = await trx
    .selectFrom('tasks')
    .select('id')
    .where('id', '=', (eb) => eb.selectFrom('messages').select('task_id').where('id', '=', id))
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!task) throw new NotFound('message', id);
  const m = await trx
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!m) throw new NotFound('message', id);
  return m;
}
