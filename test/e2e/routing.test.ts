import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api } from '../support/http';
import { card, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { openPair, startE2eApp, type E2eApp } from '../support/e2e-app';

// The address is the state: a deep link or reload to any board (not just the first in the
// switcher) shows that board in the switcher, the tab title and the page; opening a task and
// switching boards are history entries that back and forward walk through.

let app: E2eApp;
let server: ServerProcess;
let A: Client;
let B: Client;
const boards: Record<'alpha' | 'beta', { id: string; columnId: string; taskId: string }> = {} as never;

const switcher = (p: Page) => p.locator('#board-select');
// What the select shows: its checked option, not only its value.
const selectedBoard = async (p: Page) =>
  (await p.locator('#board-select option:checked').textContent()) ?? '';
const hash = (p: Page) => new URL(p.url()).hash;

async function boardShown(p: Page, name: 'alpha' | 'beta') {
  const b = boards[name];
  await p.locator(`[data-column-id="${b.columnId}"]`).waitFor({ timeout: 20_000 });
  await expect.poll(() => selectedBoard(p)).toBe(name === 'alpha' ? 'Alpha board' : 'Beta board');
}

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-routing' });
  server = app.server;
  const http = api(server.url);
  for (const [key, name] of [
    ['alpha', 'Alpha board'],
    ['beta', 'Beta board'],
  ] as const) {
    const id = (await http.post('/api/boards', { name, columns: [`${name} todo`] })).body.data.id;
    const columnId = (await http.get(`/api/boards/${id}`)).body.data.columns[0].id;
    const task = (await http.post(`/api/boards/${id}/tasks`, { columnId, title: `${name} task` })).body.data;
    boards[key] = { id, columnId, taskId: task.id };
  }
  // B comes straight to a task on the second board of the switcher, as a shared link would.
  [A, B] = await openPair(app.browser, {
    urlA: server.url,
    urlB: `${server.url}/#/b/${boards.beta.id}/t/${boards.beta.taskId}`,
  });
});

afterAll(() => app?.close());

describe('routing', () => {
  it('a deep link to the second board shows that board in the switcher, the title and the page', async () => {
    await boardShown(B.page, 'beta');
    await B.page.getByTestId('task-panel').waitFor();
    await expect.poll(() => B.page.title()).toBe('Beta board task · Beta board · Kanban');
    await B.page.reload();
    await boardShown(B.page, 'beta');
    await B.page.getByTestId('task-panel').waitFor();
  });

  it('no board in the address opens the first and writes it there without a history entry', async () => {
    await boardShown(A.page, 'alpha');
    expect(hash(A.page)).toBe(`#/b/${boards.alpha.id}`);
    expect(await A.page.title()).toBe('Alpha board · Kanban');
    // Back leaves the app (the page before it), instead of landing on the empty address that
    // would send it forward again.
    await A.page.goBack();
    expect(A.page.url()).toBe('about:blank');
    await A.page.goForward();
    await boardShown(A.page, 'alpha');
  });

  it('the switcher, opening a task, back and forward all follow the address', async () => {
    const p = A.page;
    await switcher(p).selectOption(boards.beta.id);
    await boardShown(p, 'beta');
    expect(hash(p)).toBe(`#/b/${boards.beta.id}`);
    await card(p, 'Beta board task').click();
    await p.getByTestId('task-panel').waitFor();
    expect(hash(p)).toBe(`#/b/${boards.beta.id}/t/${boards.beta.taskId}`);

    await p.goBack();
    await p.getByTestId('task-panel').waitFor({ state: 'detached' });
    await boardShown(p, 'beta');
    expect(await p.title()).toBe('Beta board · Kanban');
    await p.goBack();
    await boardShown(p, 'alpha');
    expect(await p.title()).toBe('Alpha board · Kanban');
    await p.goForward();
    await boardShown(p, 'beta');
    await p.goForward();
    await p.getByTestId('task-panel').waitFor();
    expect(await p.title()).toBe('Beta board task · Beta board · Kanban');
  });

  it('an address naming no board says so and links to one', async () => {
    await A.page.goto(`${server.url}/#/b/00000000-0000-4000-8000-000000000000`);
    await A.page.getByTestId('unknown-board').waitFor({ timeout: 20_000 });
    await A.page.getByTestId('unknown-board').getByRole('link').click();
    await boardShown(A.page, 'alpha');
  });
});
