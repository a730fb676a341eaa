import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@kanban/shared';
import { createApp, type App } from '../../server/src/app';
import type { Config } from '../../server/src/config';
import type { Db } from '../../server/src/db/pool';
import { startAgentRuntime, type AgentRuntime } from '../../server/src/jobs/agent-runtime';
import { listenLocal, openTestDeps } from './app';
import type { TestDatabase } from './db';
import { api } from './http';
import { defaultHeaders, signUpDefault, type Session } from './auth';
import { untilMessage } from './row-events';

// The real app with the agent pipeline (pg-boss, sockets on the postgres adapter) on port 0.
// Several instances can share one database (scale-out tests): pass `database`.

export interface AgentApp {
  url: string;
  http: ReturnType<typeof api>;
  db: Db;
  agent: AgentRuntime;
  app?: App;
  config: Config;
  database: TestDatabase;
  /** The first user, signed up at start; its session is the default for http and sockets. */
  owner?: Session;
  close(): Promise<void>;
}

/** Test defaults: fast retries and checkpoints, a short hang timeout. */
export const FAST_AGENT_ENV = {
  LLM_PROVIDER: 'openai',
  LLM_RETRY_BASE_MS: '20',
  LLM_RETRY_MAX_MS: '200',
  LLM_IDLE_TIMEOUT_MS: '1500',
  AGENT_CHECKPOINT_MS: '100',
  AGENT_COALESCE_MS: '10',
};

export async function startAgentApp(
  env: Record<string, string> = {},
  opts: { database?: TestDatabase; anonymous?: boolean } = {},
): Promise<AgentApp> {
  const { database, config, logs, db } = await openTestDeps(env, opts);
  const agent = await startAgentRuntime({ config, logs, db });
  const app = config.ROLES.includes('web') ? createApp({ config, logs, db, agent }) : undefined;
  const url = app ? await listenLocal(app) : '';
  // Instances sharing a database share its first user (test/support/auth.ts).
  const owner = app && !opts.anonymous ? await signUpDefault(url, database.name) : undefined;
  return {
    url,
    owner,
    http: api(url),
    db,
    agent,
    app,
    config,
    database,
    async close() {
      await app?.close();
      await agent.stop();
      await db.close();
      if (!opts.database) await database.drop();
    },
  };
}

/** A board with the default columns and one task on it. */
export async function createTask(http: ReturnType<typeof api>, title = 'Write the launch plan', extra = {}) {
  const board = await http.post('/api/boards', { name: 'Chat board' });
  const task = await http.post(`/api/boards/${board.body.data.id}/tasks`, {
    columnId: board.body.data.columns[0].id,
    title,
    description: 'Plan the launch of the product.',
    ...extra,
  });
  if (task.status !== 201) throw new Error(`task: ${JSON.stringify(task.body)}`);
  return { boardId: board.body.data.id as string, taskId: task.body.data.id as string };
}

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket with the session registered for `url` (or the given headers). */
export async function connectSocket(url: string, headers?: Record<string, string>): Promise<ClientSocket> {
  const { origin: _, ...sent } = headers ?? defaultHeaders(url);
  const s: ClientSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: sent,
  });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  return s;
}

export const subscribe = (s: ClientSocket, taskId: unknown) =>
  s.timeout(5000).emitWithAck('task.subscribe', { taskId } as { taskId: string }) as Promise<Ack>;

// The delta merge is the client's own module (delta-merger.ts); re-exported for existing imports.
export { DeltaMerger } from './delta-merger';

/** Polls `check` until it returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const TERMINAL = ['completed', 'failed', 'cancelled', 'interrupted'];

/** Waits until the reply row reaches one of the terminal statuses (an event: row-events.ts). */
export function waitForReply(db: Db, id: string, timeoutMs = 10_000) {
  return untilMessage(
    db.url,
    id,
    (m) => (m && TERMINAL.includes(m.status as string) ? m : undefined),
    timeoutMs,
    `reply ${id} to end`,
  );
}
