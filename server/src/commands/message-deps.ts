import type pg from 'pg';
import type { ReplyJob } from '../jobs/boss';
import type { CommandDeps, Trx } from './deps';
import type { PipelinePool } from './message-pipeline';

/** What the message commands need beyond the database: sending a reply job in the same transaction. */
export interface MessageDeps extends CommandDeps {
  enqueueReply(trx: Trx, job: ReplyJob): Promise<void>;
  /** Connections in pipeline mode, for the one-round-trip message post. */
  pipeline: PipelinePool;
  /** Queues the job's insert on such a connection; resolves (at once) with that statement's result. */
  queueReplyJob(client: pg.PoolClient, job: ReplyJob): Promise<{ result: Promise<unknown> }>;
}

export const REPLY_OPEN = ['queued', 'streaming'] as const;
export const REPLY_ENDED = ['completed', 'failed', 'cancelled', 'interrupted'] as const;
