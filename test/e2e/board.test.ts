import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { TestDatabase } from '../support/db';
import { api } from '../support/http';
import { card, dragBy, dragTo, screenshot, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// Two people on one board in two real browser contexts: every change A makes shows up in B
// through the shapes, without a reload (how fast is a bench figure: bench/sync-fanout.bench.ts).

let app: E2eApp;
let database: TestDatabase;
let server: ServerProcess;
let A: Client;
let B: Client;
let boardId: string;
let cols: { id: string; name: string }[];

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-board' });
  ({ database, server } = app);
  const board = await seedBoard(server.url, { name: 'E2E board', columns: ['Todo', 'Doing', 'Done'] });
  boardId = board.id;
  cols = board.columns;
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${boardId}`,
    ready: (p) => p.locator(`[data-column-id="${cols[2]!.id}"]`),
  });
});

afterAll(() => app?.close());

describe('board in two browsers', () => {
  const title = 'Write the release notes';

  it('a card created in A appears in B', async () => {
    await A.page
      .locator(`[data-column-id="${cols[0]!.id}"]`)
      .getByRole('button', { name: '+ Add a card' })
      .click();
    await A.page.getByLabel('New card title in Todo').fill(title);
    await A.page.keyboard.press('Enter');
    await card(A.page, title, cols[0]!.id).waitFor({ timeout: 1000 });
    await card(B.page, title, cols[0]!.id).waitFor({ timeout: 10_000 });
    await expect.poll(() => A.page.getByTestId('sync-state').textContent()).toBe('Synced');
  });

  it('edits in the task panel reach B', async () => {
    await card(A.page, title).click();
    const panel = A.page.getByTestId('task-panel');
    await panel.getByLabel('Title').fill('Write the 1.0 release notes');
    await panel.getByLabel('Title').press('Enter');
    await card(B.page, 'Write the 1.0 release notes').waitFor({ timeout: 10_000 });

    await panel.getByLabel('Priority').selectOption('high');
    const badge = card(B.page, 'Write the 1.0 release notes').locator('.badge.p-high');
    await badge.waitFor({ timeout: 10_000 });

    // At rest an empty description is one line; editing opens the markdown editor.
    expect(await panel.getByLabel('Description (markdown)').count()).toBe(0);
    await panel.getByRole('button', { name: '+ Add a description' }).click();
    await panel.getByLabel('Description (markdown)').fill('Ship **notes** with `code`');
    await panel.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => panel.getByTestId('description-preview').locator('strong').textContent())
      .toBe('notes');
    await expect
      .poll(
        async () => (await api(server.url).get(`/api/boards/${boardId}/tasks`)).body.data[0]?.description,
        { timeout: 2000 },
      )
      .toBe('Ship **notes** with `code`');
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.getByTestId('description-view').locator('code').waitFor();
    await expect.poll(() => panel.getByRole('button', { name: 'Edit' }).isVisible()).toBe(true);
    await panel.getByRole('button', { name: 'Close task' }).click();
  });

  it('a card dragged to another column in A moves in B', async () => {
    const t = 'Write the 1.0 release notes';
    await dragTo(
      A.page,
      card(A.page, t, cols[0]!.id),
      A.page.locator(`[data-column-id="${cols[1]!.id}"] ul.cards`),
    );
    await card(A.page, t, cols[1]!.id).waitFor({ timeout: 1000 });
    await card(B.page, t, cols[1]!.id).waitFor({ timeout: 10_000 });
    await card(B.page, t, cols[0]!.id).waitFor({ state: 'detached', timeout: 1000 });
  });

  it('moves with the keyboard (Alt+Arrow) and keeps focus on the card', async () => {
    const t = 'Write the 1.0 release notes';
    await card(A.page, t).focus();
    await A.page.keyboard.press('Alt+ArrowRight');
    await card(B.page, t, cols[2]!.id).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => card(A.page, t).evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
  });

  it('a title over the limit is refused with a sentence, the typed text kept, B untouched', async () => {
    const t = 'Write the 1.0 release notes';
    await card(A.page, t).click();
    const panel = A.page.getByTestId('task-panel');
    const long = 'x'.repeat(501);
    await panel.getByLabel('Title').fill(long);
    await panel.getByLabel('Title').press('Enter');
    await expect
      .poll(() => panel.locator('.title-field [data-testid=input-error]').textContent())
      .toContain('Title is too long: 501 of 500 characters');
    expect(await panel.getByLabel('Title').inputValue()).toBe(long);
    expect(await card(A.page, t).count()).toBe(1);
    expect(await card(B.page, t).count()).toBe(1);
    // Typing the stored title back drops the draft and the reason.
    await panel.getByLabel('Title').fill(t);
    await panel.getByLabel('Title').press('Enter');
    await expect.poll(() => panel.locator('.title-field [data-testid=input-error]').count()).toBe(0);
  });

  it('a card deleted in A disappears in B', async () => {
    const t = 'Write the 1.0 release notes';
    const panel = A.page.getByTestId('task-panel');
    await panel.getByRole('button', { name: 'Delete task' }).click();
    await A.page.getByRole('dialog').getByRole('button', { name: 'Delete task' }).click();
    await card(A.page, t).waitFor({ state: 'detached', timeout: 1000 });
    await card(B.page, t).waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('columns: add, rename, reorder, and delete with the tasks rule, seen by B', async () => {
    await A.page.getByLabel('New column name').fill('Blocked');
    await A.page.getByLabel('New column name').press('Enter');
    const blockedB = B.page.locator('section.column', { hasText: 'Blocked' });
    await blockedB.waitFor({ timeout: 1000 });
    await A.page.getByRole('button', { name: 'Rename column Blocked' }).click();
    await A.page.getByLabel('Column name', { exact: true }).fill('Waiting');
    await A.page.getByLabel('Column name', { exact: true }).press('Enter');
    await B.page.getByRole('region', { name: 'Column Waiting' }).waitFor({ timeout: 1000 });
    await A.page.getByRole('button', { name: 'Move column Waiting left' }).click();
    await expect
      .poll(() => B.page.locator('section.column .column-head h2').allTextContents(), { timeout: 1500 })
      .toEqual(['Todo', 'Doing', 'Waiting', 'Done']);
    // A card in it, then delete the column moving its cards to Todo.
    const waiting = A.page.getByRole('region', { name: 'Column Waiting' });
    await waiting.getByRole('button', { name: '+ Add a card' }).click();
    await A.page.getByLabel('New card title in Waiting').fill('Parked idea');
    await A.page.keyboard.press('Enter');
    await card(B.page, 'Parked idea').waitFor({ timeout: 1000 });
    await A.page.getByRole('button', { name: 'Delete column Waiting' }).click();
    const dialog = A.page.getByRole('dialog');
    await dialog.getByRole('combobox').selectOption({ label: 'Move to Todo' });
    await dialog.getByRole('button', { name: 'Delete column' }).click();
    await B.page
      .getByRole('region', { name: 'Column Waiting' })
      .waitFor({ state: 'detached', timeout: 1000 });
    await card(B.page, 'Parked idea', cols[0]!.id).waitFor({ timeout: 1000 });
  });

  it('columns reorder by drag and drop, seen by B', async () => {
    const names = (p: typeof A.page) => p.locator('section.column .column-head h2').allTextContents();
    const column = (name: string) => A.page.getByRole('region', { name: `Column ${name}` });
    const grip = (name: string) => column(name).getByTestId('column-grip');
    const left = async (name: string) => (await column(name).boundingBox())!.x;
    // Done onto Todo: Done takes the first place.
    await dragBy(A.page, grip('Done'), (await left('Todo')) - (await left('Done')), 0, () =>
      screenshot(A.page, 'column-drag-light'),
    );
    await expect.poll(() => names(A.page), { timeout: 1000 }).toEqual(['Done', 'Todo', 'Doing']);
    await expect.poll(() => names(B.page), { timeout: 1000 }).toEqual(['Done', 'Todo', 'Doing']);
    // And back to the end.
    await dragBy(A.page, grip('Done'), (await left('Doing')) - (await left('Done')));
    await expect.poll(() => names(B.page), { timeout: 1000 }).toEqual(['Todo', 'Doing', 'Done']);
  });

  it('filters cards and takes screenshots of the board', async () => {
    await A.page.getByLabel('Filter cards by text').fill('nothing matches this');
    await card(A.page, 'Parked idea').waitFor({ state: 'detached', timeout: 1000 });
    await A.page.getByLabel('Filter cards by text').fill('');
    await card(A.page, 'Parked idea').waitFor({ timeout: 1000 });
    // A fuller board for the pictures.
    const http = api(server.url);
    const seed: [number, string, string][] = [
      [0, 'Design the onboarding flow', 'urgent'],
      [0, 'Migrate CI to the new runners', 'low'],
      [1, 'Investigate flaky login test', 'high'],
      [1, 'Write API docs for shapes', 'medium'],
      [2, 'Ship dark mode', 'none'],
    ];
    for (const [c, title, priority] of seed)
      await http.post(`/api/boards/${boardId}/tasks`, { columnId: cols[c]!.id, title, priority });
    await card(A.page, 'Ship dark mode').waitFor({ timeout: 2000 });
    // Every agent state on a card, for the pictures and to check each reads as text.
    const states: [string, string, string | null, string][] = [
      ['Design the onboarding flow', 'queued', null, 'queued'],
      ['Investigate flaky login test', 'thinking', null, 'thinking…'],
      ['Write API docs for shapes', 'streaming', null, 'streaming'],
      ['Migrate CI to the new runners', 'error', 'The provider answered 401: invalid API key', 'agent error'],
    ];
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      for (const [t, status, message] of states)
        await db.query('UPDATE tasks SET agent_status = $2, agent_status_message = $3 WHERE title = $1', [
          t,
          status,
          message,
        ]);
    } finally {
      await db.end();
    }
    for (const [t, , , label] of states)
      await expect
        .poll(() => card(A.page, t).getByTestId('agent-status').textContent(), { timeout: 2000 })
        .toBe(label);
    const dismiss = A.page.getByRole('button', { name: 'Dismiss notification' });
    if (await dismiss.count()) await dismiss.first().click();
    for (const scheme of ['light', 'dark'] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await screenshot(A.page, `board-${scheme}`);
    }
    await card(A.page, 'Investigate flaky login test').click();
    const panel = A.page.getByTestId('task-panel');
    await panel.getByRole('button', { name: '+ Add a description' }).click();
    await panel
      .getByLabel('Description (markdown)')
      .fill('Fails ~1 in 20 runs.\n\n- only on CI\n- `auth.spec.ts`');
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.getByTestId('description-view').locator('li').first().waitFor();
    await expect.poll(() => A.page.getByTestId('sync-state').textContent()).toBe('Synced');
    for (const scheme of ['light', 'dark'] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await screenshot(A.page, `task-panel-${scheme}`);
    }
    await A.page.emulateMedia({ colorScheme: 'light' });
    // On a narrow screen the panel covers the board instead of squeezing it.
    await A.page.setViewportSize({ width: 700, height: 860 });
    const box = await panel.boundingBox();
    expect(box?.width).toBe(700);
    await screenshot(A.page, 'task-panel-narrow-light');
    await A.page.setViewportSize({ width: 1400, height: 860 });
    expect(A.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  it('keyboard: focus follows the layout, the panel takes focus on open and gives it back on close', async () => {
    const page = A.page;
    await page.getByLabel('Filter cards by text').click();
    const focused = () =>
      page.locator('body').evaluate((body) => {
        const el = body.ownerDocument.activeElement;
        return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim().split('.')[0];
      });
    const order: (string | undefined)[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    expect(order).toEqual([
      'Filter by priority',
      // "Assigned to me", the members dialog and the user menu end the top bar, as on screen.
      'Assigned to me',
      'Members',
      'Account: Owner',
      'Rename column Todo',
      // "Move column Todo left" is disabled, so skipped
      'Move column Todo right',
      'Delete column Todo',
      'Parked idea',
      'Design the onboarding flow',
      'Migrate CI to the new runners',
      '+ Add a card',
      'Rename column Doing',
    ]);
    const focusedCard = card(page, 'Migrate CI to the new runners');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Migrate CI to the new runners');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await screenshot(page, `focus-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('task-panel');
    await expect.poll(() => panel.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Title');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => focusedCard.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });
});
