import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../support/auth';
import { card, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { inviteMember, openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// Two people on one board: each sees the other in the top bar, on the card they have open and
// typing in its chat; assignees show on cards and "assigned to me" filters; the chat names the
// author of a message. Presence is ephemeral: closing B's browser takes B off A's board.

let app: E2eApp;
let server: ServerProcess;
let A: Client;
let B: Client;
let bea: Session;
let boardId: string;
let taskId: string;
const title = 'Plan the launch';

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-presence' });
  server = app.server;
  const board = await seedBoard(server.url, {
    name: 'Presence board',
    columns: ['Todo'],
    tasks: [title, 'Unassigned chore'],
  });
  boardId = board.id;
  taskId = board.tasks[0]!.id;
  bea = await inviteMember(server.url, boardId, 'Bea Smith');
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${boardId}/t/${taskId}`,
    urlB: `${server.url}/#/b/${boardId}`,
    sessionB: bea,
    ready: (p) => card(p, title),
  });
});

afterAll(() => app?.close());

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
