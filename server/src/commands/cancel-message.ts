import { sql } from 'kysely';
import type { MessageRow } from '../db/schema';
import { Conflict } from './errors';
import { CONTROL_CHANNEL } from '../jobs/control';
import { settleTask } from '../jobs/reply-store';
import { write, type CommandDeps } from './deps';
import { lockMessage } from './message-locks';
import { check } from '../policy';

/**
 * Stops a reply: a queued one, or one waiting for an approval (its waiting tool calls end denied),
 * ends `cancelled` at once; a streaming or executing one gets the cancel flag and
 * a NOTIFY (delivered on commit) that makes the process running it abort the provider stream;
 * it then ends `cancelled` with its partial text. Cancelling a cancelled reply is a no-op.
 */
export function cancelMessage(deps: CommandDeps, id: string) {
  return write<MessageRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'chat', 'message', id);
    const m = await lockMessage(trx, id); // task first, then the message (message-locks.ts)
    if (m.role !== 'assistant')
      throw new Conflict(`message ${id} is a ${m.role} message; only a reply can be cancelled`);
    if (m.status === 'cancelled') return m;
    if (!['queued', 'streaming', 'executing', 'waiting_for_user'].includes(m.status))
      throw new Conflict(`the reply already ended (${m.status})`);
    // No worker runs a reply that waits for an approval: it ends here, like a queued one.
    const queued = m.status === 'queued' || m.status === 'waiting_for_user';
    if (m.status === 'waiting_for_user')
      await trx
        .updateTable('tool_calls')
        .set({ status: 'denied', deny_reason: 'the reply was cancelled', finished_at: sql`now()` })
        .where('message_id', '=', id)
        .where('status', '=', 'waiting')
        .execute();
    const row = await trx
      .updateTable('messages')
      .set({
        cancel_requested_at: sql`now()`,
        ...(queued ? { status: 'cancelled' as const, finished_at: sql`now()` } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (queued) await settleTask(trx, m.task_id, 'idle', null);
    // Also when queued: a worker may have claimed it and be waiting for the first token.
    await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify({ t: 'cancel', messageId: id })})`.execute(
      trx,
    );
    return row;
  });
}
