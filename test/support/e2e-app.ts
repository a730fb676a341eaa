import type { Browser, Locator, Page } from 'playwright-core';
import { signUp, type Session } from './auth';
import { createTestDatabase, type TestDatabase } from './db';
import { launchBrowser, openClient, type Client } from './e2e-browser';
import { ensureClientBuilt, startServer, type ServerProcess } from './e2e-server';
import type { FakeLlm } from './fake-llm';
import { api } from './http';

// The setup every e2e file shares: the built client, a fresh database, the server as users run
// it (optionally talking to the fake model), a Chromium, then a board and the two people who
// look at it. Each test file still says what it seeds and which pages it opens.

export interface E2eApp {
  database: TestDatabase;
  /** The running server; restart() replaces it. */
  server: ServerProcess;
  browser: Browser;
  /** Starts the server again on its port with the same env (after its stop() or kill()). */
  restart(): Promise<ServerProcess>;
  /** Closes the browser, stops the server and the fake model, drops the database. */
  close(): Promise<void>;
}

/** The env that points the server at the fake OpenAI-compatible model. */
export const fakeLlmEnv = (fake: FakeLlm) => ({
  LLM_PROVIDER: 'openai',
  OPENAI_BASE_URL: fake.baseUrl,
  OPENAI_API_KEY: 'test-key',
  LLM_MODEL: 'fake-model',
});

export async function startE2eApp(opts: {
  logName: string;
  env?: Record<string, string>;
  /** The model the server talks to (its env is added; it is closed with the app). */
  fake?: FakeLlm;
  /** false: leave the instance without users (see startServer). */
  firstAccount?: boolean;
}): Promise<E2eApp> {
  await ensureClientBuilt();
  const database = await createTestDatabase();
  const env = { ...(opts.fake ? fakeLlmEnv(opts.fake) : {}), ...opts.env };
  const start = (port?: number) =>
    startServer({
      databaseUrl: database.url,
      port,
      env,
      logName: opts.logName,
      firstAccount: opts.firstAccount,
    });
  // A failed start leaves nothing behind (the file's afterAll has no app to close).
  const undo = async (err: unknown, server?: ServerProcess): Promise<never> => {
    await server?.stop();
    await opts.fake?.close();
    await database.drop();
    throw err;
  };
  const server = await start().catch((err: unknown) => undo(err));
  const browser = await launchBrowser().catch((err: unknown) => undo(err, server));
  const app: E2eApp = {
    database,
    server,
    browser,
    restart: async () => (app.server = await start(app.server.port)),
    close: async () => {
      await app.browser.close();
      await app.server.stop();
      await opts.fake?.close();
      await database.drop();
    },
  };
  return app;
}

/** A board made by the server's owner, with one task per title in its first column. */
export async function seedBoard(
  url: string,
  board: { name: string; columns: string[]; tasks?: string[] },
): Promise<{ id: string; columns: { id: string; name: string }[]; tasks: { id: string; title: string }[] }> {
  const http = api(url);
  const created = (await http.post('/api/boards', { name: board.name, columns: board.columns })).body.data;
  const columns = (await http.get(`/api/boards/${created.id}`)).body.data.columns;
  const tasks = [];
  for (const title of board.tasks ?? [])
    tasks.push(
      (await http.post(`/api/boards/${created.id}/tasks`, { columnId: columns[0].id, title })).body.data,
    );
  return { id: created.id, columns, tasks };
}

/** A second person, signed up through an invite to `boardId` (made by the owner) and accepted. */
export async function inviteMember(url: string, boardId: string, name: string): Promise<Session> {
  const invite = (await api(url).post(`/api/boards/${boardId}/invites`, { role: 'editor' })).body.data;
  const member = await signUp(url, { name, inviteToken: invite.token });
  const accepted = await api(url, member.headers).post(`/api/invites/${invite.token}/accept`);
  if (accepted.status !== 200)
    throw new Error(`invite accept ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  return member;
}

/**
 * Two people's browsers: A (the owner) on `urlA` and B on `urlB` (default: the same page) as
 * `sessionB` (default: the owner too); resolves once `ready` shows in both.
 */
export async function openPair(
  browser: Browser,
  opts: { urlA: string; urlB?: string; sessionB?: Session; ready?: (p: Page) => Locator },
): Promise<[Client, Client]> {
  const A = await openClient(browser, opts.urlA);
  const B = await openClient(
    browser,
    opts.urlB ?? opts.urlA,
    opts.sessionB ? { session: opts.sessionB } : {},
  );
  if (opts.ready) for (const c of [A, B]) await opts.ready(c.page).waitFor({ timeout: 20_000 });
  return [A, B];
}
