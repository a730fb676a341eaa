import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { card, type Client } from '../support/e2e-browser';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// What a person types survives a write that fails: offline, or over a limit. The text stays in
// its input with a sentence saying why and a retry; B, the other browser, never sees the write
// that failed and sees the retried one.

let app: E2eApp;
let A: Client;
let B: Client;
let boardId: string;
let columnId: string;
let taskId: string;

const composer = (p: Page) => p.getByLabel('Message', { exact: true });
const inputError = (p: Page) => p.getByTestId('input-error');

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-input' });
  const board = await seedBoard(app.server.url, {
    name: 'Input board',
    columns: ['Todo'],
    tasks: ['Kept input'],
  });
  boardId = board.id;
  columnId = board.columns[0]!.id;
  taskId = board.tasks[0]!.id;
  [A, B] = await openPair(app.browser, {
    urlA: `${app.server.url}/#/b/${boardId}/t/${taskId}`,
    ready: (p) => p.getByTestId('task-panel'),
  });
});

afterAll(() => app?.close());

describe('kept input', () => {
  it('a message sent offline stays in the box with the reason, and Retry sends it', async () => {
    await A.context.setOffline(true);
    await composer(A.page).fill('Sent while offline');
    await composer(A.page).press('Enter');
    await expect.poll(() => inputError(A.page).textContent()).toContain('The server cannot be reached');
    expect(await composer(A.page).inputValue()).toBe('Sent while offline');
    expect(await A.page.getByTestId('message-user').count()).toBe(0);
    await A.context.setOffline(false);
    await inputError(A.page).getByRole('button', { name: 'Retry' }).click();
    for (const c of [A, B])
      await c.page.getByTestId('message-user').filter({ hasText: 'Sent while offline' }).waitFor();
    expect(await composer(A.page).inputValue()).toBe('');
    await inputError(A.page).waitFor({ state: 'detached' });
  });

  it('a 25,000-character message is kept, counted and explained, never sent', async () => {
    const long = 'x'.repeat(25_000);
    await composer(A.page).fill(long);
    expect(await A.page.getByTestId('char-count').textContent()).toBe('25,000 / 20,000');
    await composer(A.page).press('Enter');
    expect(await inputError(A.page).textContent()).toContain(
      'Message is too long: 25,000 of 20,000 characters',
    );
    expect((await composer(A.page).inputValue()).length).toBe(25_000);
    expect(await A.page.getByTestId('message-user').count()).toBe(1);
    await composer(A.page).fill('');
    await inputError(A.page).waitFor({ state: 'detached' });
  });

  it('a title over 500 characters shows the sentence and keeps the text', async () => {
    const title = A.page.getByTestId('task-panel').getByLabel('Title');
    const long = 'A title that goes on and on '.repeat(22).slice(0, 612);
    expect(long.length).toBe(612);
    await title.fill(long);
    await title.press('Enter');
    expect(await A.page.locator('.title-field').getByTestId('input-error').textContent()).toContain(
      'Title is too long: 612 of 500 characters',
    );
    expect(await title.inputValue()).toBe(long);
    // Shortened, it saves, and the other browser sees it.
    await title.fill('A title of a sensible length');
    await title.press('Enter');
    await card(B.page, 'A title of a sensible length').waitFor();
    await A.page.locator('.title-field').getByTestId('input-error').waitFor({ state: 'detached' });
  });

  it('a card created offline comes back into its input with a retry; Escape returns focus', async () => {
    const column = A.page.locator(`[data-column-id="${columnId}"]`);
    await column.getByRole('button', { name: '+ Add a card' }).click();
    const input = A.page.getByLabel('New card title in Todo');
    await A.context.setOffline(true);
    await input.fill('Made offline');
    await input.press('Enter');
    await expect.poll(() => column.getByTestId('input-error').textContent()).toContain('cannot be reached');
    expect(await input.inputValue()).toBe('Made offline');
    await card(A.page, 'Made offline').waitFor({ state: 'detached' });
    await A.context.setOffline(false);
    await column.getByTestId('input-error').getByRole('button', { name: 'Retry' }).click();
    await card(B.page, 'Made offline').waitFor();
    // Escape closes the input and puts focus back on the button that opened it.
    await input.press('Escape');
    await expect
      .poll(async () => (await A.page.locator(':focus').textContent())?.trim())
      .toBe('+ Add a card');
  });
});
