import { createApp, type App } from '../../server/src/app';
import type { Config } from '../../server/src/config';
import type { Db } from '../../server/src/db/pool';
import { startAgentRuntime, type AgentRuntime } from '../../server/src/jobs/agent-runtime';
import { createSync, type Sync } from '../../server/src/sync';
import { listenLocal, openTestDeps } from './app';
import type { TestDatabase } from './db';
import { api, type Res } from './http';
import { signUpDefault, type Session } from './auth';

// The web role as main.ts builds it: live sync and the agent runtime (sockets on the postgres
// adapter) in one app on port 0, for tests that need shapes and sockets of one user together.

export interface FullApp {
  url: string;
  app: App;
  db: Db;
  sync: Sync;
  agent: AgentRuntime;
  config: Config;
  database: TestDatabase;
  owner: Session;
  close(): Promise<void>;
}

export async function startFullApp(
  env: Record<string, string> = {},
  opts: { database?: TestDatabase } = {},
): Promise<FullApp> {
  const deps = await openTestDeps(env, opts);
  const { database, config, db } = deps;
  const agent = await startAgentRuntime(deps);
  const sync = createSync(deps);
  await sync.start();
  const app = createApp({ ...deps, agent, sync });
  const url = await listenLocal(app);
  const owner = await signUpDefault(url, database.name);
  return {
    url,
    app,
    db,
    sync,
    agent,
    config,
    database,
    owner,
    async close() {
      await app.close();
      await sync.stop();
      await agent.stop();
      await db.close();
      if (!opts.database) await database.drop();
    },
  };
}

/** Makes `member` a member of the board by the real invite flow (the owner's session invites). */
export async function addMember(
  base: string,
  owner: Session,
  member: Session,
  boardId: string,
  role: 'owner' | 'editor' | 'viewer' = 'editor',
): Promise<Res> {
  const inv = await api(base, owner.headers).post(`/api/boards/${boardId}/invites`, { role });
  if (inv.status !== 201) throw new Error(`invite ${inv.status}: ${JSON.stringify(inv.body)}`);
  const res = await api(base, member.headers).post(`/api/invites/${inv.body.data.token}/accept`);
  if (res.status !== 200) throw new Error(`accept ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}
