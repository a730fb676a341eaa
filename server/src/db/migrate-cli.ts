import { loadConfig } from '../config';
import { createLogs } from '../logger';
import { openDatabase } from './database';
import { migrate } from './migrate';

// `npm run migrate`: apply pending migrations to DATABASE_URL (or the embedded database) and exit.
const config = loadConfig();
const logs = createLogs(config);
const database = await openDatabase(config, logs.for('db'));
try {
  const applied = await migrate(database.url, logs.for('db'));
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n');
} finally {
  await database.embedded?.stop();
}
