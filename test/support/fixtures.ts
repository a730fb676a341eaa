import type { ChildProcess } from 'node:child_process';
import { test as base } from 'vitest';
import { createApp } from '../../server/src/app';
import type { Config } from '../../server/src/config';
import type { Db } from '../../server/src/db/pool';
import { listenLocal, openTestDeps } from './app';
import { FAST_AGENT_ENV, startAgentApp, type AgentApp } from './agent-app';
import { killWorkerProcess, startWorkerProcess, stopWorkerProcess } from './agent-worker-process';
import { createTestDatabase, type TestDatabase } from './db';
import { startFakeLlm, type FakeLlm } from './fake-llm';
import { api } from './http';
import { signUpDefault, type Session } from './auth';
import { startSyncApp, type SyncTestApp } from './sync-app';

// The one shared setup of the integration tests (vitest's test.extend). Every fixture is
// file-scoped and lazy: a file pays only for what its tests name, once, and vitest tears it
// down after the file in reverse order (apps before the database they stand on).
//
//   const test = withFixtures({ env: { BODY_LIMIT_BYTES: '2048' } });
//   test('...', async ({ http, app }) => { ... });

export interface FixtureOptions {
  /** Environment of the REST `app` (test defaults come from openTestDeps). */
  env?: Record<string, string>;
  /** Environment of `agentApp`, over FAST_AGENT_ENV and the fake LLM's URL. */
  agentEnv?: Record<string, string>;
  /** Environment of `syncApp`. */
  syncEnv?: Record<string, string>;
}

export interface RestApp {
  url: string;
  db: Db;
  config: Config;
  /** The database's first user (test/support/auth.ts); api(url) sends its session. */
  owner: Session;
}

/** Worker-only child processes on the file's database, for tests where a worker must die. */
export interface Workers {
  /** What each one gets: agentApp's env (agentEnv included) on the file's database, logs off. */
  env: Record<string, string>;
  /** The running ones, oldest first. */
  children: ChildProcess[];
  /** Starts one more; resolves once its workers run. */
  start(): Promise<ChildProcess>;
  /** SIGKILLs the newest one (a crash) and waits for its exit. */
  killNewest(): Promise<void>;
}

export function withFixtures(opts: FixtureOptions = {}) {
  const agentEnv = (fake: FakeLlm) => ({
    ...FAST_AGENT_ENV,
    OPENAI_BASE_URL: fake.baseUrl,
    ...opts.agentEnv,
  });
  return (
    base
      // vitest reads the first parameter's destructuring to find dependencies: `{}` means none.
      // eslint-disable-next-line no-empty-pattern
      .extend('database', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestDatabase> => {
        const database = await createTestDatabase();
        onCleanup(() => database.drop());
        return database;
      })
      // eslint-disable-next-line no-empty-pattern
      .extend('fakeLlm', { scope: 'file' }, async ({}, { onCleanup }): Promise<FakeLlm> => {
        const fake = await startFakeLlm();
        onCleanup(() => fake.close());
        return fake;
      })
      .extend('app', { scope: 'file' }, async ({ database }, { onCleanup }): Promise<RestApp> => {
        const { config, logs, db } = await openTestDeps(opts.env, { database });
        const app = createApp({ config, logs, db });
        const url = await listenLocal(app);
        onCleanup(async () => {
          await app.close();
          await db.close();
        });
        return { url, db, config, owner: await signUpDefault(url, database.name) };
      })
      .extend('http', { scope: 'file' }, ({ app }) => api(app.url))
      .extend(
        'agentApp',
        { scope: 'file' },
        async ({ database, fakeLlm }, { onCleanup }): Promise<AgentApp> => {
          const agent = await startAgentApp(agentEnv(fakeLlm), { database });
          onCleanup(() => agent.close());
          return agent;
        },
      )
      .extend('workers', { scope: 'file' }, ({ database, fakeLlm }, { onCleanup }): Workers => {
        const env = { ...agentEnv(fakeLlm), DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
        const children: ChildProcess[] = [];
        onCleanup(async () => {
          for (const c of children) await stopWorkerProcess(c);
        });
        return {
          env,
          children,
          start: async () => {
            const child = await startWorkerProcess(env);
            children.push(child);
            return child;
          },
          killNewest: () => killWorkerProcess(children.pop()!),
        };
      })
      .extend('syncApp', { scope: 'file' }, async ({ database }, { onCleanup }): Promise<SyncTestApp> => {
        const sync = await startSyncApp({ env: opts.syncEnv, database });
        onCleanup(() => sync.close());
        return sync;
      })
  );
}

/** The fixtures with default options. */
export const test = withFixtures();
export { describe, expect } from 'vitest';
