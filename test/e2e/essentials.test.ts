import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/http';
import { ownerSession, type Session } from '../support/auth';
import { card, type Client } from '../support/e2e-browser';
import { openSignedIn } from '../support/e2e-session';
import type { ServerProcess } from '../support/e2e-server';
import { startE2eApp, type E2eApp } from '../support/e2e-app';

// Kanban essentials from the UI, in a real browser signed in as the board's owner: board
// settings, labels (add, assign, shown on the card, filter).

let app: E2eApp;
let server: ServerProcess;
let owner: Session;
let A: Client;
let boardId: string;
let cols: { id: string; name: string }[];

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-essentials' });
  server = app.server;
  owner = await ownerSession(server.url);
  const http = api(server.url);
  const created = await http.post('/api/boards', { name: 'Essentials', columns: ['Todo', 'Done'] });
  boardId = created.body.data.id;
  cols = created.body.data.columns;
  await http.post(`/api/boards/${boardId}/tasks`, { columnId: cols[0]!.id, title: 'Fix the login bug' });
  await http.post(`/api/boards/${boardId}/tasks`, { columnId: cols[0]!.id, title: 'Write docs' });
  A = await openSignedIn(app.browser, `${server.url}/#/b/${boardId}`, owner);
  await card(A.page, 'Write docs').waitFor({ timeout: 20_000 });
});

afterAll(() => app?.close());

describe('kanban essentials', () => {
  it('renames the board and sets its agent prompt in the settings dialog', async () => {
    await A.page.getByRole('button', { name: 'Board settings' }).click();
    const dialog = A.page.getByRole('dialog', { name: 'Board settings' });
    // the prompt field unlocks once the owner role has been read
    await expect.poll(() => dialog.getByLabel('Agent system prompt').isEnabled()).toBe(true);
    await dialog.getByLabel('Board name').fill('Essentials renamed');
    await dialog.getByLabel('Agent system prompt').fill('Answer in one sentence.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => A.page.locator('#board-select option:checked').textContent())
      .toBe('Essentials renamed');
    await expect
      .poll(async () => (await api(server.url).get(`/api/boards/${boardId}`)).body.data.settings.systemPrompt)
      .toBe('Answer in one sentence.');
  });

  it('adds a label in the panel, shows it on the card, and filters by it', async () => {
    await card(A.page, 'Fix the login bug').click();
    const panel = A.page.getByTestId('task-panel');
    await panel.getByLabel('New label name').fill('Bug');
    await panel.getByRole('button', { name: 'Add label' }).click();
    const chip = card(A.page, 'Fix the login bug').getByTestId('label-chip');
    await chip.waitFor({ timeout: 10_000 });
    expect(await chip.textContent()).toBe('Bug');
    await panel.getByLabel('Close task').click();
    await A.page.getByLabel('Filter by label').selectOption({ label: 'Bug' });
    await card(A.page, 'Write docs').waitFor({ state: 'detached', timeout: 5000 });
    expect(await card(A.page, 'Fix the login bug').count()).toBe(1);
    await A.page.getByLabel('Filter by label').selectOption('any');
    await card(A.page, 'Write docs').waitFor({ timeout: 5000 });
  });

  it('shows due dates on cards: overdue, due soon, and set from the panel', async () => {
    const day = (offset: number) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const tasks = (await api(server.url).get(`/api/boards/${boardId}/tasks`)).body.data as {
      id: string;
      title: string;
    }[];
    const docs = tasks.find((t) => t.title === 'Write docs')!;
    await api(server.url).patch(`/api/tasks/${docs.id}`, { dueDate: day(-1) });
    const chip = card(A.page, 'Write docs').getByTestId('due-chip');
    await expect.poll(() => chip.getAttribute('data-due-state'), { timeout: 10_000 }).toBe('overdue');
    await card(A.page, 'Write docs').click();
    const panel = A.page.getByTestId('task-panel');
    await panel.getByLabel('Due date', { exact: true }).fill(day(1));
    await expect.poll(() => chip.getAttribute('data-due-state'), { timeout: 10_000 }).toBe('soon');
    expect(await chip.textContent()).toBe('Due tomorrow');
    await panel.getByLabel('Close task').click();
  });

  it('archives a card from the panel and restores it from the Archived view', async () => {
    await card(A.page, 'Write docs').click();
    await A.page.getByTestId('task-panel').getByRole('button', { name: 'Archive' }).click();
    await card(A.page, 'Write docs').waitFor({ state: 'detached', timeout: 10_000 });
    await A.page.getByRole('button', { name: /^Archived \(1\)$/ }).click();
    await A.page.getByRole('button', { name: 'Restore card Write docs' }).click();
    await card(A.page, 'Write docs', cols[0]!.id).waitFor({ timeout: 10_000 });
    await A.page.getByRole('dialog', { name: 'Archived' }).getByRole('button', { name: 'Close' }).click();
  });

  it('lists the card’s history in the panel', async () => {
    await card(A.page, 'Fix the login bug').click();
    const panel = A.page.getByTestId('task-panel');
    await panel.getByText(/^Activity/).click();
    const entries = panel.getByTestId('activity-entry');
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const text = await panel.getByTestId('activity').textContent();
    expect(text).toContain('Owner created the card in Todo');
    expect(text).toContain('Owner set the labels: Bug');
    await panel.getByLabel('Close task').click();
  });

  // Guards the search box against its app-wide <Suspense>: a pending search once swapped the
  // page for "Loading…", the input lost focus and the list closed before the results came.
  it('searches every board with Ctrl+K and opens the card from a result', async () => {
    const other = (await api(server.url).post('/api/boards', { name: 'Elsewhere' })).body.data;
    await api(server.url).post(`/api/boards/${other.id}/tasks`, {
      columnId: other.columns[0].id,
      title: 'Wombat migration plan',
    });
    await A.page.locator('body').click();
    await A.page.keyboard.press('Control+k');
    await A.page.keyboard.type('womb');
    const results = A.page.getByTestId('search-results');
    await results.getByRole('option', { name: /Wombat migration plan/ }).waitFor({ timeout: 10_000 });
    await A.page.keyboard.press('Enter');
    await expect.poll(() => A.page.url(), { timeout: 10_000 }).toContain(other.id);
    await A.page.getByTestId('task-panel').getByLabel('Title').waitFor({ timeout: 20_000 });
    expect(await A.page.getByTestId('task-panel').getByLabel('Title').inputValue()).toBe(
      'Wombat migration plan',
    );
    await A.page.goto(`${server.url}/#/b/${boardId}`);
    await card(A.page, 'Write docs').waitFor({ timeout: 20_000 });
  });

  it('regenerates a reply in place and pages its versions', async () => {
    await card(A.page, 'Fix the login bug').click();
    const panel = A.page.getByTestId('task-panel');
    await panel
      .getByLabel(/message/i)
      .first()
      .fill('Summarise the task');
    await A.page.keyboard.press('Enter');
    const reply = panel.locator('[data-testid="message-assistant"][data-status="completed"]');
    await reply.first().waitFor({ timeout: 30_000 });
    await panel.getByRole('button', { name: 'Regenerate' }).click();
    await expect
      .poll(() => panel.getByTestId('version-label').textContent(), { timeout: 30_000 })
      .toBe('2 / 2');
    await panel.getByRole('button', { name: 'Previous version' }).click();
    expect(await panel.getByTestId('version-label').textContent()).toBe('1 / 2');
    // one bubble for the two versions
    expect(await panel.getByTestId('message-assistant').count()).toBe(1);
    await panel.getByLabel('Close task').click();
  });

  it('deletes the board only after a confirmation naming it', async () => {
    const other = await api(server.url).post('/api/boards', { name: 'Doomed' });
    await A.page.goto(`${server.url}/#/b/${other.body.data.id}`);
    await A.page.getByRole('button', { name: 'Board settings' }).click();
    const dialog = A.page.getByRole('dialog', { name: 'Board settings' });
    await dialog.getByRole('button', { name: 'Delete board…' }).click();
    const confirm = A.page.getByRole('dialog', { name: 'Delete board' });
    expect(await confirm.textContent()).toContain('Delete the board “Doomed”?');
    await confirm.getByRole('button', { name: 'Delete “Doomed”' }).click();
    await expect
      .poll(async () => (await api(server.url).get(`/api/boards/${other.body.data.id}`)).status)
      .toBe(404);
  });
});
