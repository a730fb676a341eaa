import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { signUp, type Session } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { api } from '../support/http';
import { card, launchBrowser, openClient, type Client } from '../support/e2e-browser';
import { ensureClientBuilt, startServer, type ServerProcess } from '../support/e2e-server';

// Two people on one board: each sees the other in the top bar, on the card they have open and
// typing in its chat; assignees show on cards and "assigned to me" filters; the chat names the
// author of a message. Presence is ephemeral: closing B's browser takes B off A's board.

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let A: Client;
let B: Client;
let bea: Session;
let boardId: string;
let taskId: string;
const title = 'Plan the launch';

beforeAll(async () => {
  await ensureClientBuilt();
  database = await createTestDatabase();
  server = await startServer({ databaseUrl: database.url, logName: 'e2e-presence' });
  const http = api(server.url);
  boardId = (await http.post('/api/boards', { name: 'Presence board', columns: ['Todo'] })).body.data.id;
  const columnId = (await http.get(`/api/boards/${boardId}`)).body.data.columns[0].id;
  taskId = (await http.post(`/api/boards/${boardId}/tasks`, { columnId, title })).body.data.id;
  await http.post(`/api/boards/${boardId}/tasks`, { columnId, title: 'Unassigned chore' });
  const invite = (await http.post(`/api/boards/${boardId}/invites`, { role: 'editor' })).body.data;
  bea = await signUp(server.url, { name: 'Bea Smith', inviteToken: invite.token });
  expect((await api(server.url, bea.headers).post(`/api/invites/${invite.token}/accept`)).status).toBe(200);
  browser = await launchBrowser();
  A = await openClient(browser, `${server.url}/#/b/${boardId}/t/${taskId}`);
  B = await openClient(browser, `${server.url}/#/b/${boardId}`, { session: bea });
  for (const c of [A, B]) await card(c.page, title).waitFor({ timeout: 20_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('presence, assignees and authors', () => {
  it("B's avatar is in A's top bar; A sees which task B has open and that B is typing", async () => {
    const here = A.page.getByTestId('presence').getByTitle('Bea Smith is on this board');
    await here.waitFor({ timeout: 10_000 });
    expect(await here.textContent()).toBe('BS');
    // Nobody else has the task open yet.
    expect(await card(A.page, title).getByTestId('card-viewers').count()).toBe(0);
    await card(B.page, title).click();
    await card(A.page, title)
      .getByTestId('card-viewers')
      .getByTitle('Bea Smith has this task open')
      .waitFor({ timeout: 10_000 });
    const typing = A.page.getByTestId('task-panel').getByTestId('typing');
    await B.page.getByTestId('task-panel').getByLabel('Message', { exact: true }).pressSequentially('Hel');
    await expect.poll(() => typing.textContent(), { timeout: 10_000 }).toBe('Bea Smith is typing…');
    // Leaving the box ends it at once, without waiting for the idle timeout.
    await B.page.getByTestId('task-panel').getByLabel('Priority').focus();
    await expect.poll(() => typing.textContent(), { timeout: 10_000 }).toBe('');
  });

  it("a message B sends carries B's name in A's chat", async () => {
    const box = B.page.getByTestId('task-panel').getByLabel('Message', { exact: true });
    await box.fill('Hello from Bea');
    await box.press('Enter');
    const mine = B.page.getByTestId('task-panel').getByTestId('message-user');
    await mine.waitFor({ timeout: 10_000 });
    expect(await mine.getByTestId('message-author').count()).toBe(0);
    const theirs = A.page.getByTestId('task-panel').getByTestId('message-user');
    await expect
      .poll(() => theirs.getByTestId('message-author').textContent(), { timeout: 10_000 })
      .toBe('Bea Smith');
  });

  it('A assigns B in the task panel: the avatar shows on the card for both; "assigned to me" filters', async () => {
    await A.page.getByTestId('task-panel').getByLabel('Assign Bea Smith').check();
    for (const c of [A, B])
      await card(c.page, title)
        .getByTestId('card-assignees')
        .getByTitle('Assigned to Bea Smith')
        .waitFor({ timeout: 10_000 });
    await B.page.getByLabel('Assigned to me').check();
    await card(B.page, 'Unassigned chore').waitFor({ state: 'detached', timeout: 5000 });
    expect(await card(B.page, title).count()).toBe(1);
    await B.page.getByLabel('Assigned to me').uncheck();
    await card(B.page, 'Unassigned chore').waitFor({ timeout: 5000 });
  });

  it("closing B's browser takes B off A's board", async () => {
    await B.context.close();
    await A.page
      .getByTestId('presence')
      .getByTitle('Bea Smith is on this board')
      .waitFor({ state: 'detached', timeout: 15_000 });
    expect(await card(A.page, title).getByTestId('card-viewers').count()).toBe(0);
  });
});
