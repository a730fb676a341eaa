import type { Client } from 'pg';
import { PgoutputPlugin } from 'pg-logical-replication';
import { keepColumnText } from '../adapters/pg-logical-replication';

// pg-logical-replication decodes pgoutput values with node-postgres' global type parsers (Date,
// numbers, objects). The shape protocol needs Postgres' own text form, so every column parser is
// replaced by the identity, on this plugin's parser only (the app's pg types stay untouched).
// start() also prepares the replication session before streaming (see SlotSession).

export interface SlotSession {
  /** Runs on the replication connection right before START_REPLICATION (locks, slot creation). */
  prepare(client: Client): Promise<void>;
}

export class TextPgoutputPlugin extends PgoutputPlugin {
  constructor(
    publication: string,
    private readonly session: SlotSession,
  ) {
    super({ protoVersion: 1, publicationNames: [publication] });
    keepColumnText(this); // a private parser field: adapters/pg-logical-replication.ts
  }

  override async start(client: Client, slotName: string, lastLsn: string): Promise<unknown> {
    await this.session.prepare(client);
    return super.start(client, slotName, lastLsn);
  }
}
