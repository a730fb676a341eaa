import type { ReplyJob } from '../jobs/boss';
import type { CommandDeps, Trx } from './deps';

/** What the message commands need beyond the database: sending a reply job in the same transaction. */
export interface MessageDeps extends CommandDeps {
  enqueueReply(trx: Trx, job: ReplyJob): Promise<void>;
}

export const REPLY_OPEN = ['queued', 'streaming'] as const;
export const REPLY_ENDED = ['completed', 'failed', 'cancelled', 'interrupted'] as const;
