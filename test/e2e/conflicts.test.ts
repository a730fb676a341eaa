import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../support/auth';
import { api } from '../support/http';
import { card, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { inviteMember, openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// Two people edit the same task in two real browsers. A field being typed in is never replaced
// under the cursor: the person is told who changed it and chooses to keep theirs or take the
// other; nothing is saved over the other person's change until they choose.

let app: E2eApp;
let server: ServerProcess;
let A: Client;
let B: Client;
let bob: Session;
let boardId: string;
let columnId: string;

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-conflicts' });
  server = app.server;
  const board = await seedBoard(server.url, { name: 'Conflicts', columns: ['Todo'] });
  boardId = board.id;
  columnId = board.columns[0]!.id;
  // Bob joins as an editor by invite; A is the instance's first account ("Owner").
  bob = await inviteMember(server.url, boardId, 'Bob Builder');
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${boardId}`,
    sessionB: bob,
    ready: (p) => p.locator(`[data-column-id="${columnId}"]`),
  });
});

afterAll(() => app?.close());

const panelOf = (c: Client) => c.page.getByTestId('task-panel');

async function openTask(c: Client, title: string) {
  await card(c.page, title).click();
  await panelOf(c).waitFor();
}

describe('concurrent edits of a task', () => {
  it('A renames while B types the title: B keeps the text, is told who, and keeps theirs', async () => {
    const created = await api(server.url).post(`/api/boards/${boardId}/tasks`, {
      columnId,
      title: 'Draft the plan',
    });
    expect(created.status).toBe(201);
    await openTask(A, 'Draft the plan');
    await openTask(B, 'Draft the plan');

    // B starts typing and has not saved.
    const bTitle = panelOf(B).getByLabel('Title');
    await bTitle.click();
    await bTitle.fill('Draft the plan with Bob’s notes');
    // A renames and saves.
    const aTitle = panelOf(A).getByLabel('Title');
    await aTitle.fill('Plan, reviewed by the owner');
    await aTitle.press('Enter');

    // B's card list shows A's rename (the row reached B) ...
    await card(B.page, 'Plan, reviewed by the owner').waitFor({ timeout: 10_000 });
    // ... while B's input still holds B's text, and B is told who changed it and to what.
    const notice = panelOf(B).getByTestId('edit-conflict');
    await notice.waitFor({ timeout: 10_000 });
    expect(await bTitle.inputValue()).toBe('Draft the plan with Bob’s notes');
    await expect.poll(() => notice.textContent()).toContain('Owner changed the title');
    expect(await notice.getByTestId('conflict-theirs').textContent()).toBe('Plan, reviewed by the owner');
    // Leaving the field does not save over A's rename.
    await bTitle.press('Enter');
    expect(await notice.isVisible()).toBe(true);
    expect((await api(server.url).get(`/api/tasks/${created.body.data.id}`)).body.data.title).toBe(
      'Plan, reviewed by the owner',
    );

    // B keeps theirs: saved, and A sees it.
    await notice.getByRole('button', { name: 'Keep mine' }).click();
    await notice.waitFor({ state: 'detached' });
    await card(A.page, 'Draft the plan with Bob’s notes').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => panelOf(A).getByLabel('Title').inputValue())
      .toBe('Draft the plan with Bob’s notes');
  });

  it('descriptions: B editing when A saves keeps both texts until B chooses; keep mine saves B’s', async () => {
    const aPanel = panelOf(A);
    const bPanel = panelOf(B);
    await bPanel.getByRole('button', { name: '+ Add a description' }).click();
    await bPanel.getByLabel('Description (markdown)').fill('Bob’s steps:\n\n1. measure');
    await aPanel.getByRole('button', { name: '+ Add a description' }).click();
    await aPanel.getByLabel('Description (markdown)').fill('Owner’s notes');
    await aPanel.getByRole('button', { name: 'Done' }).click();
    await aPanel.getByTestId('description-view').waitFor();

    const notice = bPanel.getByTestId('edit-conflict');
    await notice.waitFor({ timeout: 10_000 });
    await expect.poll(() => notice.textContent()).toContain('Owner changed the description');
    expect(await notice.getByTestId('conflict-theirs').textContent()).toBe('Owner’s notes');
    expect(await bPanel.getByLabel('Description (markdown)').inputValue()).toBe('Bob’s steps:\n\n1. measure');
    // Done does not save over theirs nor close the editor holding B's text.
    await bPanel.getByRole('button', { name: 'Done' }).click();
    expect(await bPanel.getByLabel('Description (markdown)').inputValue()).toBe('Bob’s steps:\n\n1. measure');
    const stored = async () =>
      (await api(server.url).get(`/api/boards/${boardId}/tasks`)).body.data.find(
        (t: { title: string }) => t.title === 'Draft the plan with Bob’s notes',
      )?.description;
    expect(await stored()).toBe('Owner’s notes');

    await notice.getByRole('button', { name: 'Keep mine' }).click();
    await notice.waitFor({ state: 'detached' });
    await expect.poll(stored, { timeout: 10_000 }).toBe('Bob’s steps:\n\n1. measure');
    await expect.poll(() => aPanel.getByTestId('description-view').textContent()).toContain('Bob’s steps');
    await bPanel.getByRole('button', { name: 'Done' }).click();
    await bPanel.getByTestId('description-view').waitFor();
  });

  it('take theirs drops the typed text for the other person’s', async () => {
    const bTitle = panelOf(B).getByLabel('Title');
    await bTitle.fill('Bob types again');
    const aTitle = panelOf(A).getByLabel('Title');
    await aTitle.fill('Owner’s final title');
    await aTitle.press('Enter');
    const notice = panelOf(B).getByTestId('edit-conflict');
    await notice.waitFor({ timeout: 10_000 });
    expect(await bTitle.inputValue()).toBe('Bob types again');
    await notice.getByRole('button', { name: 'Take theirs' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(await bTitle.inputValue()).toBe('Owner’s final title');
    expect(B.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
