import type { Server as HttpServer } from 'node:http';
import { sql } from 'kysely';
import type { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Config } from '../config';
import type { Logs } from '../logger';
import type { Db } from '../db/pool';
import type { MessageDeps } from '../commands/message-deps';
import type { AgentTriggers } from '../commands/agent-triggers';
import { boardRoom } from '@kanban/shared';
import type { ToolCallDeps } from '../commands/tool-calls';
import type { ReplyMetrics } from '../metrics';
import { CancelledError } from '../agent/errors';
import { mark } from '../agent/trace';
import { createRealtime, type Realtime } from '../realtime/io';
import { registerSubscriptions } from '../realtime/subscriptions';
import { registerPresence } from '../realtime/presence';
import { enforceAccess } from '../realtime/access-ended';
import { ActiveRuns } from './active-runs';
import { InterruptedError, runAgentReply } from './agent-reply';
import {
  BOSS_CONNECTION,
  BOSS_SCHEMA,
  DEAD_QUEUE,
  enqueueReply,
  queueReplyJob,
  resendReply,
  REPLY_QUEUE,
  startBoss,
  type ReplyJob,
} from './boss';
import { openCheckpointer } from '../agent/checkpointer';
import { CONTROL_CHANNEL, isAccessEnded, listenControl } from './control';
import { Dispatcher } from './dispatcher';
import { watchPool } from '../db/watch-pool';
import { closeOrphanRuns, finishReply } from './reply-store';
import { watchReplies } from './reply-watch';

// Starts the agent pipeline of one process: pg-boss (every role sends jobs), the Socket.IO
// server on the postgres adapter, the control channel, and, with the worker role, the workers.

export interface AgentRuntime {
  boss: PgBoss;
  realtime: Realtime;
  runs: ActiveRuns;
  /** The agent runs' LangGraph checkpoints (worker role only). */
  checkpointer?: PostgresSaver;
  /** Deps for the message routes and commands. */
  messageDeps: Omit<MessageDeps, 'actor'>;
  /** For the commands that set agents to work (delegation, column hooks) and announce agents. */
  triggers: AgentTriggers;
  /** Deps for the tool-call routes (approve/deny resume a paused run). */
  toolCallDeps: Omit<ToolCallDeps, 'actor'>;
  /** Web role: serve sockets on this server. */
  attach(server: HttpServer): void;
  stop(): Promise<void>;
}

export async function startAgentRuntime(deps: {
  config: Config;
  logs: Logs;
  db: Db;
  metrics?: ReplyMetrics;
}): Promise<AgentRuntime> {
  const { config, logs, db } = deps;
  const log = logs.for('jobs');
  const boss = await startBoss(db.url, log, db.connections);
  const realtime = createRealtime(db, logs.for('realtime'));
  const runs = new ActiveRuns();
  const triggers: AgentTriggers = {
    enqueueReply: (trx, job) => enqueueReply(boss, trx, job),
    // Through the adapter: the board's viewers on every instance.
    agentsChanged: (boardId) => void realtime.io.to(boardRoom(boardId)).emit('agents.changed', { boardId }),
    handoffDepth: config.AGENT_HANDOFF_DEPTH,
  };
  // pg-boss's own wake-up channel (how it names it: plans.notifyChannelSql): a job send NOTIFYs it
  // with the queue's name in the sender's transaction.
  const { rows } = await sql<{
    c: string;
  }>`SELECT 'pgboss_' || left(encode(sha224(${BOSS_SCHEMA}::bytea), 'hex'), 24) AS c`.execute(db.db);
  const bossChannel = rows[0]!.c;
  let dispatcher: Dispatcher<ReplyJob> | undefined;
  const presence = registerPresence(realtime.io, {
    db: db.db,
    log: logs.for('realtime'),
    typingMs: config.PRESENCE_TYPING_MS,
  });
  const access = enforceAccess(realtime.io, {
    db: db.db,
    log: logs.for('realtime'),
    presence,
    checkMs: config.SOCKET_SESSION_CHECK_MS,
  });
  let checkpointer: PostgresSaver | undefined;
  const control = await listenControl(
    db.url,
    log,
    (m) => {
      if (m.t === 'cancel') runs.get(m.messageId)?.abort(new CancelledError());
      else if (m.t === 'catchup') runs.catchUp(realtime.publisher, m.taskId, m.socketId);
      else if (isAccessEnded(m))
        access.ended(m).catch((err: unknown) => log.warn({ err }, 'ending revoked sockets failed'));
    },
    {
      states: db.connections,
      connectTimeoutMs: db.poolDefaults.connectionTimeoutMillis,
      extra: {
        channel: bossChannel,
        onNotify: (queue) => (!queue || queue === REPLY_QUEUE) && dispatcher?.kick(),
      },
    },
  );
  // Replies no worker holds say so on their task, and orphaned ones end (every role).
  const watch = watchReplies({ boss, db: db.pool, log, waitMs: config.AGENT_WORKER_WAIT_MS, runs });
  registerSubscriptions(realtime.io, {
    db: db.db,
    log: logs.for('realtime'),
    limits: config,
    requestCatchUp: async (taskId, socketId) => {
      await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify({ t: 'catchup', taskId, socketId })})`.execute(
        db.db,
      );
    },
  });

  // The reply worker's own pool: its many small status/checkpoint writes commit without waiting
  // for fsync (a crash loses at most the last few, which recovery redoes); finishReply opts back in.
  const workerPool = new pg.Pool({
    connectionString: db.url,
    max: Math.max(4, config.AGENT_CONCURRENCY + 2),
    application_name: 'kanban-agent',
    options: '-c synchronous_commit=off',
    ...db.poolDefaults,
  });
  watchPool(workerPool, 'kanban-agent', db.connections, log);

  // The message post's pool: pipeline mode, one round trip per transaction (message-pipeline.ts).
  const postPool = new pg.Pool({
    connectionString: db.url,
    max: config.DB_POOL_MAX,
    application_name: 'kanban-post',
    pipeline: true,
    ...db.poolDefaults,
  });
  watchPool(postPool, 'kanban-post', db.connections, log);

  // The run checkpoints' pool (worker role): pipeline mode, so a checkpoint write is one round
  // trip (agent/pipelined-saver.ts); asynchronous commit like the worker's other writes. A write
  // holds its connection for that one round trip only: half the slots is plenty.
  const checkpointPool = config.ROLES.includes('worker')
    ? new pg.Pool({
        connectionString: db.url,
        max: Math.max(2, Math.ceil(config.AGENT_CONCURRENCY / 2)),
        application_name: 'kanban-checkpoints',
        pipeline: true,
        options: '-c synchronous_commit=off',
        ...db.poolDefaults,
      })
    : undefined;
  if (checkpointPool) watchPool(checkpointPool, 'kanban-checkpoints', db.connections, log);

  if (config.ROLES.includes('worker')) {
    const replyDeps = {
      config,
      db: workerPool,
      checkpointer: (checkpointer = await openCheckpointer(workerPool, checkpointPool)),
      commands: db.db,
      triggers,
      log: logs.for('agent'),
      publisher: realtime.publisher,
      runs,
      metrics: deps.metrics,
    };
    // One fetch at a time for all free slots, woken by the NOTIFY of each send (see dispatcher.ts).
    dispatcher = new Dispatcher<ReplyJob>(
      boss,
      {
        queue: REPLY_QUEUE,
        concurrency: config.AGENT_CONCURRENCY,
        heartbeatMs: 2000,
        pollMs: 1000,
        log,
      },
      async (job, claimLost) => {
        mark(job.data.taskId, 'job.handler');
        await runAgentReply(replyDeps, job.data.messageId, claimLost);
      },
    );
    dispatcher.start();
    // A reply whose job failed for good (its workers kept dying): end it visibly, free the task's queue.
    await boss.work<ReplyJob>(DEAD_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      await closeOrphanRuns(db.db, job.data.messageId);
      const m = { id: job.data.messageId, task_id: job.data.taskId };
      await finishReply(db.pool, m, {
        status: 'interrupted',
        error: 'the workers running this reply stopped',
      });
      await boss.deleteJob(REPLY_QUEUE, job.data.messageId);
    });
  }

  return {
    boss,
    realtime,
    runs,
    checkpointer,
    triggers,
    messageDeps: {
      db: db.db,
      agents: triggers,
      enqueueReply: (trx, job) => triggers.enqueueReply(trx, job),
      pipeline: postPool,
      queueReplyJob: (client, job) => queueReplyJob(boss, client, job),
    },
    toolCallDeps: {
      db: db.db,
      resumeReply: (trx, job) => resendReply(boss, trx, job),
      publish: (row) => realtime.publisher.toolCall(row),
    },
    attach: (server) => realtime.attach(server),
    async stop() {
      await watch.stop();
      runs.abortAll(new InterruptedError('the server stopped while writing this reply'));
      await dispatcher?.stop(5000);
      await boss
        .stop({ graceful: true, timeout: 5000 })
        .catch((err: unknown) => log.error({ err }, 'stopping pg-boss'));
      db.connections.forget(BOSS_CONNECTION);
      await control.close();
      await realtime.close();
      for (const name of ['kanban-agent', 'kanban-post', 'kanban-checkpoints']) db.connections.forget(name);
      await workerPool.end().catch(() => undefined);
      await checkpointPool?.end().catch(() => undefined);
      await postPool.end().catch(() => undefined);
    },
  };
}
