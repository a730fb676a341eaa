import { ConfigError, loadConfig } from './config';
import { createLogs } from './logger';
import { openDatabase } from './db/database';
import { AlreadyRunningError } from './db/instance-lock';
import { migrate } from './db/migrate';
import { createDb } from './db/pool';
import { startupStages } from './startup-stages';

const stages = startupStages();
stages.mark('bundle loaded');

// The roles' modules (Express, better-auth, LangChain, pg-boss, Socket.IO and what they import)
// are most of a start's CPU; the embedded Postgres starts in a process of its own meanwhile. So
// they are imported here, not at the top, once that process is on its way: their loading then
// overlaps the database start instead of delaying its spawn (bench/startup.bench.ts; the server
// bundle splits them into chunks for this).
const loadRoles = () =>
  Promise.all([
    import('./db/seed'),
    import('./app'),
    import('./sync'),
    import('./jobs/agent-runtime'),
    import('./metrics'),
    import('./http/metrics-server'),
  ]);

// Reads config, starts the database, applies migrations, builds the roles and listens.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logs = createLogs(config);
  const log = logs.for('app');
  // Last resort, for programmer errors only: every lost connection is handled where it happens
  // (db/watch-pool.ts, jobs/control.ts, sync/capture.ts). Log it and exit non-zero; the 'exit'
  // hook of the embedded Postgres still stops it.
  const fatal = (kind: string) => (err: unknown) => {
    log.fatal({ err, kind }, 'unexpected error; exiting');
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));

  let loading: ReturnType<typeof loadRoles> | undefined;
  const startLoading = () => {
    if (loading) return loading;
    loading = loadRoles();
    loading.catch(() => undefined); // awaited below; a failure surfaces there
    return loading;
  };
  let database;
  try {
    database = await openDatabase(config, logs.for('db'), () => void startLoading());
  } catch (err) {
    if (!(err instanceof AlreadyRunningError)) throw err;
    // A second start on the same data directory: point at the first, touch nothing of it.
    process.stdout.write(`\n  ${err.message}\n\n`);
    process.exit(1);
  }
  stages.mark('postgres accepting');
  const stopDatabase = async () => database.embedded?.stop();
  let shuttingDown = false;

  try {
    const applied = await migrate(database.url, logs.for('db'));
    stages.mark('migrations checked');
    const [
      { seedDemo },
      { createApp },
      { createSync },
      { startAgentRuntime },
      { Metrics },
      { listenMetrics },
    ] = await startLoading();
    stages.mark('modules loaded');
    const db = createDb(database.url, logs.for('db'), config.DB_POOL_MAX, config.DB_CONNECT_TIMEOUT_MS);
    if (config.SEED_DEMO && applied.includes('0001_initial_schema')) {
      const boardId = await seedDemo({ db: db.db });
      log.info({ boardId }, 'seeded the demo board');
    }
    const web = config.ROLES.includes('web');
    // One registry for the process: the web role serves what the worker role observes.
    const metrics = new Metrics({ processMetrics: true });
    // Shapes are served by the web role; a worker-only process runs jobs and emits through the
    // socket adapter, and serves no HTTP.
    const sync = web ? createSync({ config, logs, db }) : undefined;
    // The agent pipeline (pg-boss) and the replication slot need nothing of each other: started
    // side by side, the start waits for the slower of the two, not for both in turn.
    const [agent] = await Promise.all([
      startAgentRuntime({ config, logs, db, metrics }).then((a) => {
        stages.mark('pg-boss started');
        return a;
      }),
      sync?.start().then(() => stages.mark('capture ready')),
    ]);
    const app = web ? createApp({ config, logs, db, agent, sync, metrics }) : undefined;
    if (app) {
      await new Promise<void>((resolve) => app.server.listen(config.PORT, config.HOST, resolve));
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
      const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
      database.embedded?.lock.publish(url);
      stages.mark('listening');
      log.info({ url }, 'listening');
      process.stdout.write(`\n  Kanban is running at ${url}\n\n`);
    } else log.info({ roles: config.ROLES }, 'worker running');
    const metricsServer = config.METRICS_PORT
      ? await listenMetrics(metrics, config, logs.for('http'))
      : undefined;

    log.info({ stages: stages.marks }, 'started');

    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      log.info({ signal }, 'shutting down');
      await app?.close().catch((err: unknown) => log.error({ err }, 'closing http'));
      metricsServer?.close();
      await sync?.stop().catch((err: unknown) => log.error({ err }, 'stopping sync'));
      await agent.stop().catch((err: unknown) => log.error({ err }, 'stopping the agent'));
      await db.close().catch((err: unknown) => log.error({ err }, 'closing pool'));
      await stopDatabase().catch((err: unknown) => log.error({ err }, 'stopping postgres'));
      process.exit(0);
    };
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, (sig) => void shutdown(sig));
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await stopDatabase().catch(() => undefined);
    process.exit(1);
  }
}

void main();
