import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Session } from '../support/auth';
import { api } from '../support/http';
import { card, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { inviteMember, openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// Agents in two browsers (issue 10 item 11): the owner (A) asks the demo agent to split a task,
// the subtasks appear on both boards and the editor (B) sees the tool card; with create_tasks set
// to "ask" in board settings, A's request waits and B approves it from the card.

let app: E2eApp;
let server: ServerProcess;
let A: Client;
let B: Client;
let bea: Session;
let boardId: string;
const steps = ['Outline', 'Draft', 'Review'];

const panel = (p: Page) => p.getByTestId('task-panel');
const lastReply = (p: Page) => panel(p).getByTestId('message-assistant').last();

async function openTask(c: Client, title: string) {
  await card(c.page, title).click();
  await c.page.locator(`[data-testid="task-panel"][aria-label="Task ${title}"]`).waitFor();
}

async function send(c: Client, text: string) {
  const box = panel(c.page).getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

async function newTask(title: string) {
  const http = api(server.url);
  const columnId = (await http.get(`/api/boards/${boardId}`)).body.data.columns[0].id;
  await http.post(`/api/boards/${boardId}/tasks`, { columnId, title });
  for (const c of [A, B]) await card(c.page, title).waitFor({ timeout: 20_000 });
}

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-agents', env: { DEMO_TOKEN_MS: '2' } });
  server = app.server;
  boardId = (await seedBoard(server.url, { name: 'Agents board', columns: ['Todo', 'Done'] })).id;
  bea = await inviteMember(server.url, boardId, 'Bea Smith');
  [A, B] = await openPair(app.browser, { urlA: `${server.url}/#/b/${boardId}`, sessionB: bea });
  await newTask('Launch plan');
});

afterAll(() => app?.close());

describe('agents in the board UI', () => {
  it('A asks the demo agent to split a task: subtasks appear for both, B sees the tool card', async () => {
    for (const c of [A, B]) await openTask(c, 'Launch plan');
    await send(A, 'split this into subtasks');
    for (const c of [A, B])
      for (const step of steps) await card(c.page, `${step}: Launch plan`).waitFor({ timeout: 30_000 });
    // B's board says an agent added them (the note shows for a few seconds).
    await card(B.page, 'Outline: Launch plan').getByTestId('agent-changed').waitFor({ timeout: 10_000 });
    expect(await card(B.page, 'Outline: Launch plan').getByTestId('agent-changed').textContent()).toBe(
      'Agent added this',
    );
    const tool = panel(B.page).locator('[data-testid="tool-call"][data-tool="create_tasks"]');
    await expect.poll(() => tool.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    await tool.locator('summary').click(); // collapsed when done: open it
    expect(await tool.locator('.tool-json').textContent()).toContain('Outline: Launch plan');
    // the reply carries its agent, and ends with tokens and cost
    await expect
      .poll(() => lastReply(B.page).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('completed');
    expect(await lastReply(B.page).getByTestId('reply-agent').textContent()).toContain('@agent');
    expect(await lastReply(B.page).getByTestId('reply-usage').textContent()).toMatch(/tokens · \$0\.00$/);
    // the trace drawer lists the model calls and the tool call
    await lastReply(B.page).getByRole('button', { name: "Show the reply's trace" }).click();
    const drawer = panel(B.page).getByTestId('trace-drawer');
    await drawer.getByTestId('trace-totals').waitFor();
    expect(await drawer.locator('[data-testid="trace-step"][data-kind="tool"]').count()).toBe(1);
    expect(await drawer.getByTestId('trace-totals').textContent()).toContain('1 tool call');
    await drawer.getByRole('button', { name: 'Close trace' }).click();
  });

  it('with create_tasks set to ask in settings, A’s request waits and B approves it', async () => {
    // A (owner) switches the default agent's create_tasks tool to "ask" in board settings.
    await A.page.getByRole('button', { name: 'Board settings' }).click();
    const dialog = A.page.getByRole('dialog', { name: 'Board settings' });
    await dialog.getByRole('button', { name: 'Edit @agent' }).click();
    const form = dialog.getByTestId('agent-form');
    await form.getByLabel('Policy for create_tasks').selectOption('ask');
    await form.getByRole('button', { name: 'Save agent' }).click();
    await form.waitFor({ state: 'detached' });
    await expect
      .poll(async () => {
        const agents = (await api(server.url).get(`/api/boards/${boardId}/agents`)).body.data;
        return agents.find((a: { handle: string }) => a.handle === 'agent')?.tools.create_tasks;
      })
      .toBe('ask');
    await A.page.keyboard.press('Escape');

    await newTask('Release notes');
    for (const c of [A, B]) await openTask(c, 'Release notes');
    await send(A, 'split this into subtasks');
    const waiting = (p: Page) => panel(p).locator('[data-testid="tool-call"][data-tool="create_tasks"]');
    await expect.poll(() => waiting(B.page).getAttribute('data-status'), { timeout: 30_000 }).toBe('waiting');
    await expect.poll(() => waiting(A.page).getAttribute('data-status'), { timeout: 30_000 }).toBe('waiting');
    // nothing was created yet, and the card says the agent waits
    expect(await card(B.page, 'Outline: Release notes').count()).toBe(0);
    await expect
      .poll(() => card(B.page, 'Release notes').getByTestId('agent-status').getAttribute('data-state'), {
        timeout: 10_000,
      })
      .toBe('waiting_for_user');
    await waiting(B.page).getByRole('button', { name: 'Approve', exact: true }).click();
    for (const c of [A, B])
      for (const step of steps) await card(c.page, `${step}: Release notes`).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => waiting(A.page).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('succeeded');
    await waiting(A.page).locator('summary').click();
    expect(await waiting(A.page).getByTestId('tool-decision').textContent()).toBe('Approved by Bea Smith');
    expect([...A.errors, ...B.errors].filter((e) => !/status of 40\d/.test(e))).toEqual([]);
  });

  it('sets a column hook and a budget in board settings; over the budget the agent says so', async () => {
    await A.page.getByRole('button', { name: 'Board settings' }).click();
    const dialog = A.page.getByRole('dialog', { name: 'Board settings' });
    await dialog.getByLabel('Hook agent for Done').selectOption({ label: '@agent' });
    await dialog.getByLabel('Hook instruction for Done').fill('Write the release note');
    await dialog
      .getByTestId('hook-row')
      .filter({ hasText: 'Done' })
      .getByRole('button', { name: 'Apply hook' })
      .click();
    await dialog.getByLabel('Monthly board budget (USD)').fill('0');
    await dialog.getByRole('button', { name: 'Apply budgets' }).click();
    await expect.poll(() => dialog.getByTestId('budget-state').textContent()).toBe('Saved.');
    const board = (await api(server.url).get(`/api/boards/${boardId}`)).body.data;
    expect(board.settings.monthlyBudgetUsd).toBe(0);
    expect(board.columns.find((c: { name: string }) => c.name === 'Done')).toMatchObject({
      hook_instruction: 'Write the release note',
    });
    await A.page.keyboard.press('Escape');

    await newTask('Budget check');
    await openTask(A, 'Budget check');
    await send(A, 'hello');
    await expect
      .poll(() => lastReply(A.page).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('completed');
    expect(await lastReply(A.page).textContent()).toContain('monthly budget');
  });
});
