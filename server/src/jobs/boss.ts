import type { Transaction } from 'kysely';
import type pg from 'pg';
import { fromKysely, PgBoss, type Queue } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';
import type { ConnectionStates } from '../db/connection-state';
import { isConnectionError } from '../db/connection-errors';
import { createProbe } from '../db/probe';
import { statementName } from './prepared';
import { sendOnClient } from '../adapters/pg-boss';

// pg-boss in its own schema. The reply queue is key_strict_fifo keyed by task: the database
// (a unique index over active/retry/failed jobs per key) guarantees one reply per task at a time,
// in order, across every worker process. NOTIFY wakes workers at once; a heartbeat lets the
// monitor of any live instance recover the job of a worker that died.

export const BOSS_SCHEMA = 'pgboss';
export const REPLY_QUEUE = 'agent-reply';
export const DEAD_QUEUE = 'agent-reply-dead';
export const BOSS_CONNECTION = 'kanban-jobs';
export const HEARTBEAT_SECONDS = 10; // pg-boss minimum: a dead worker is noticed 10-11 s later

export interface ReplyJob {
  messageId: string;
  taskId: string;
}

const QUEUES: Queue[] = [
  { name: DEAD_QUEUE, notify: true, retryLimit: 5, retryDelay: 1 },
  {
    name: REPLY_QUEUE,
    policy: 'key_strict_fifo',
    notify: true,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    // Our handler never throws (model retries are its own), so pg-boss retries only after a crash;
    // the retried handler ends the reply interrupted, or runs it if no token was streamed yet.
    retryLimit: 2,
    retryDelay: 0,
    deadLetter: DEAD_QUEUE,
    deleteAfterSeconds: 24 * 3600,
  },
];

export async function startBoss(url: string, log: Logger, states: ConnectionStates): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: BOSS_SCHEMA,
    application_name: BOSS_CONNECTION,
    max: 4,
    // Job state changes need no fsync wait: a claim or completion lost in a crash is redone, and
    // the handler is idempotent (it reads the reply's status first). The job insert itself
    // commits with the caller's (durable) transaction.
    options: '-c synchronous_commit=off',
    useListenNotify: true,
    // Supervise often, so an expired heartbeat is acted on within a second.
    superviseIntervalSeconds: 1,
    monitorIntervalSeconds: 1,
  });
  // pg-boss reconnects by itself (its pool, its LISTEN client); while Postgres is away its
  // supervisor fails every second. Record that as one state change, not one error line a second.
  let stopped = false;
  boss.once('stopped', () => (stopped = true));
  const probe = createProbe({
    check: () => boss.getDb().executeSql('SELECT 1'),
    onUp: () => states.up(BOSS_CONNECTION),
    stopped: () => stopped,
  });
  boss.on('error', (err) => {
    if (!isConnectionError(err)) return log.error({ err }, 'pg-boss error');
    if (stopped) return;
    log.debug({ err }, 'pg-boss lost its connection');
    states.down(BOSS_CONNECTION, err);
    probe.trigger();
  });
  boss.on('warning', (w) => log.warn({ warning: w }, 'pg-boss warning'));
  await boss.start();
  states.up(BOSS_CONNECTION);
  for (const q of QUEUES) {
    if (await boss.getQueue(q.name)) continue;
    // Two instances starting together may both try: the loser finds the queue made.
    await boss.createQueue(q.name, q).catch(async (err: unknown) => {
      if (!(await boss.getQueue(q.name))) throw err;
    });
  }
  return boss;
}

/**
 * Sends the reply job inside the caller's transaction (pg-boss's `db` option over the Kysely
 * transaction): the job commits or rolls back with the rows. Its id is the assistant message's.
 */
export async function enqueueReply(boss: PgBoss, trx: Transaction<Database>, job: ReplyJob): Promise<void> {
  await boss.send(REPLY_QUEUE, job, { db: fromKysely(trx), singletonKey: job.taskId, id: job.messageId });
}

/**
 * Sends the job of a reply again, to resume its paused run (an approval): its ended job, whose id
 * is the message's, is deleted first in the same transaction, so the id keeps naming the reply's
 * job (the reply watch and the dead-letter handler look it up by that id).
 */
export async function resendReply(boss: PgBoss, trx: Transaction<Database>, job: ReplyJob): Promise<void> {
  await boss.deleteJob(REPLY_QUEUE, job.messageId, { db: fromKysely(trx) });
  await enqueueReply(boss, trx, job);
}

/**
 * Sends the reply job on a pipelined connection's open transaction (commands/message-pipeline.ts):
 * resolves as soon as pg-boss has queued its insert on the client, with the promise of that
 * statement's result (boxed: a promise resolved with a promise would wait for it), so the caller
 * can queue COMMIT behind it without waiting a round trip.
 */
export async function queueReplyJob(
  boss: PgBoss,
  client: pg.PoolClient,
  job: ReplyJob,
): Promise<{ result: Promise<unknown> }> {
  // pg-boss builds the same insert for every job of the queue: prepared once per connection.
  return sendOnClient(
    boss,
    client,
    REPLY_QUEUE,
    job,
    { singletonKey: job.taskId, id: job.messageId },
    statementName,
  );
}
