import type { Logger } from 'pino';
import type { Config } from '../config';
import { startEmbeddedPostgres, type EmbeddedDb } from './embedded';

export interface DatabaseHandle {
  url: string;
  embedded?: EmbeddedDb;
}

/**
 * DATABASE_URL when given; otherwise a real Postgres started from the embedded binaries.
 * `onStarting`: the embedded server's process is being started (it then needs no CPU of ours).
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  onStarting?: () => void,
): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  const embedded = await startEmbeddedPostgres({
    dataDir: config.PG_DATA_DIR,
    port: config.PG_PORT,
    log,
    ...(onStarting ? { onStarting } : {}),
  });
  return { url: embedded.url, embedded };
}
