// A worker-only process (ROLES=worker) for tests that need one to die: it runs reply jobs and
// emits deltas through the postgres adapter, serving no HTTP. Started with `node --import tsx`;
// reads its configuration from the environment like the real server, says "ready" over IPC.
import { loadConfig } from '../../server/src/config';
import { createDb } from '../../server/src/db/pool';
import { startAgentRuntime } from '../../server/src/jobs/agent-runtime';
import { silentLogs } from '../../server/src/logger';

const config = loadConfig({ ...process.env, ROLES: 'worker', NODE_ENV: 'test' });
const logs = silentLogs();
const db = createDb(config.DATABASE_URL!, logs.for('db'), 4);
const agent = await startAgentRuntime({ config, logs, db });
// Tells the test every reply this process starts, so a test can say which process ran a job.
const add = agent.runs.add.bind(agent.runs);
agent.runs.add = (run) => {
  process.send?.({ ran: run.messageId });
  return add(run);
};
process.send?.('ready');
process.on('SIGTERM', () => {
  void agent
    .stop()
    .then(() => db.close())
    .finally(() => process.exit(0));
});
