import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api } from '../support/http';
import { card, openClient, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { startE2eApp, type E2eApp } from '../support/e2e-app';

// People in real browsers: the first account is created on a fresh instance, a second person
// joins by an invite link and works on the same board, a viewer gets a read-only board, someone
// not invited sees nothing of it, and signing out (or a session that ends) leads to sign-in and
// back to the same address.

let app: E2eApp;
let server: ServerProcess;
let browser: Browser;
let A: Client;
let B: Client;
let boardId: string;
let columnId: string;
let columnName: string;
const PASSWORD = 'correct horse battery';

/** The Cookie header of a browser context, to call the API as that person. */
async function cookieOf(c: Client) {
  return (await c.context.cookies()).map((k) => `${k.name}=${k.value}`).join('; ');
}
/** Adds a card to the first column through the UI. */
async function addCard(p: Page, title: string) {
  await p.locator(`[data-column-id="${columnId}"]`).getByRole('button', { name: '+ Add a card' }).click();
  await p.getByLabel(`New card title in ${columnName}`).fill(title);
  await p.keyboard.press('Enter');
}
const apiAs = async (c: Client) => api(server.url, { cookie: await cookieOf(c), origin: server.url });

async function fillAccount(p: Page, fields: { name?: string; email: string; password: string }) {
  if (fields.name !== undefined) await p.getByLabel('Name', { exact: true }).fill(fields.name);
  await p.getByLabel('Email').fill(fields.email);
  await p.getByLabel('Password').fill(fields.password);
}

/** A visits an invite link in a fresh, signed-out browser and signs up through it. */
async function joinByInvite(url: string, name: string, email: string): Promise<Client> {
  const c = await openClient(browser, url, { session: null });
  await c.page.getByTestId('invite-page').waitFor({ timeout: 20_000 });
  await fillAccount(c.page, { name, email, password: PASSWORD });
  await c.page.getByRole('button', { name: 'Create account and join' }).click();
  await c.page.locator(`[data-column-id="${columnId}"]`).waitFor({ timeout: 20_000 });
  return c;
}

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-accounts', firstAccount: false });
  ({ server, browser } = app);
});

afterAll(() => app?.close());

describe('accounts in the browser', () => {
  it('the first visitor creates the first account and then a board', async () => {
    A = await openClient(browser, server.url, { session: null });
    await A.page.getByRole('heading', { name: 'Create the first account' }).waitFor({ timeout: 20_000 });
    // A mistake is said beside its field, before anything is sent.
    await fillAccount(A.page, { name: 'Ada', email: 'not-an-email', password: 'short' });
    await A.page.getByRole('button', { name: 'Create account' }).click();
    await expect
      .poll(() => A.page.getByTestId('field-error').allTextContents())
      .toEqual(['This is not an email address.', 'Password is too short: 5 of at least 8 characters.']);
    expect((await api(server.url, {}).get('/api/instance')).body.hasUsers).toBe(false);

    await fillAccount(A.page, { name: 'Ada', email: 'ada@example.test', password: PASSWORD });
    await A.page.getByRole('button', { name: 'Create account' }).click();
    await A.page.getByText('No boards yet').waitFor({ timeout: 20_000 });
    await A.page.getByRole('button', { name: 'New board' }).click();
    await A.page.getByLabel('Board name').fill('Team board');
    await A.page.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => A.page.locator('#board-select option:checked').textContent(), { timeout: 10_000 })
      .toBe('Team board');
    boardId = /#\/b\/([\w-]+)/.exec(A.page.url())![1]!;
    // A new board comes with its default columns.
    const first = (await (await apiAs(A)).get(`/api/boards/${boardId}`)).body.data.columns[0];
    columnId = first.id;
    columnName = first.name;
    await A.page.locator(`[data-column-id="${columnId}"]`).waitFor({ timeout: 10_000 });
  });

  it('an invite link opened in browser B: B signs up, joins as an editor and works with A', async () => {
    await A.page.getByRole('button', { name: 'Members' }).click();
    const dialog = A.page.getByRole('dialog');
    await dialog.getByLabel('Invite role').selectOption('editor');
    await dialog.getByRole('button', { name: 'Create invite link' }).click();
    const url = await dialog.getByLabel('Invite link (editor)').inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/invite/`));
    await dialog.getByRole('button', { name: 'Close' }).click();

    B = await joinByInvite(url, 'Bea', 'bea@example.test');
    await B.page.getByRole('heading', { name: 'Join' }).waitFor({ state: 'detached' });
    // A's card reaches B, B's card reaches A.
    await addCard(A.page, 'From Ada');
    await card(B.page, 'From Ada').waitFor({ timeout: 10_000 });
    await addCard(B.page, 'From Bea');
    await card(A.page, 'From Bea').waitFor({ timeout: 10_000 });
    // A sees B among the members, as an editor.
    await A.page.getByRole('button', { name: 'Members' }).click();
    await expect
      .poll(() => A.page.getByRole('dialog').getByLabel('Role of Bea').inputValue(), { timeout: 10_000 })
      .toBe('editor');
    await A.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('a viewer sees the board read-only: no add, no column controls, no delete, no chat input', async () => {
    const http = await apiAs(A);
    const invite = await http.post(`/api/boards/${boardId}/invites`, { role: 'viewer' });
    expect(invite.status).toBe(201);
    const C = await joinByInvite(invite.body.data.url, 'Cy', 'cy@example.test');
    await card(C.page, 'From Ada').waitFor({ timeout: 10_000 });
    expect(await C.page.getByRole('button', { name: '+ Add a card' }).count()).toBe(0);
    expect(await C.page.getByLabel('New column name').count()).toBe(0);
    expect(await C.page.getByRole('button', { name: `Delete column ${columnName}` }).count()).toBe(0);
    expect(await C.page.getByRole('button', { name: `Rename column ${columnName}` }).count()).toBe(0);
    await card(C.page, 'From Ada').click();
    const panel = C.page.getByTestId('task-panel');
    await panel.getByTestId('read-only-chat').waitFor();
    expect(await panel.getByRole('button', { name: 'Delete task' }).count()).toBe(0);
    expect(await panel.getByLabel('Message', { exact: true }).count()).toBe(0);
    expect(await panel.getByLabel('Priority').isDisabled()).toBe(true);
    await C.context.close();
  });

  it('someone not invited sees nothing of the board', async () => {
    const D = await openClient(browser, server.url, { session: null });
    await D.page.getByRole('button', { name: 'Create an account' }).click();
    await fillAccount(D.page, { name: 'Dee', email: 'dee@example.test', password: PASSWORD });
    await D.page.getByRole('button', { name: 'Create account' }).click();
    await D.page.getByText('No boards yet').waitFor({ timeout: 20_000 });
    await D.page.goto(`${server.url}/#/b/${boardId}`);
    await D.page.getByText('No boards yet').waitFor({ timeout: 20_000 });
    expect(await card(D.page, 'From Ada').count()).toBe(0);
    await D.context.close();
  });

  it('a board B is removed from disappears from B live', async () => {
    const http = await apiAs(A);
    const other = (await http.post('/api/boards', { name: 'Ada only', columns: ['Later'] })).body.data.id;
    const invite = await http.post(`/api/boards/${other}/invites`, { role: 'editor' });
    const bHttp = await apiAs(B);
    expect((await bHttp.post(`/api/invites/${invite.body.data.token}/accept`)).status).toBe(200);
    const options = () => B.page.locator('#board-select option').allTextContents();
    await expect.poll(options, { timeout: 10_000 }).toEqual(['Ada only', 'Team board']);
    const bId = (await bHttp.get('/api/auth/get-session')).body.user.id;
    expect((await http.del(`/api/boards/${other}/members/${bId}`)).status).toBe(200);
    await expect.poll(options, { timeout: 10_000 }).toEqual(['Team board']);
  });

  it('a revoked invite link says so in a sentence', async () => {
    const http = await apiAs(A);
    const invite = (await http.post(`/api/boards/${boardId}/invites`, { role: 'editor' })).body.data;
    expect((await http.del(`/api/invites/${invite.id}`)).status).toBe(200);
    const E = await openClient(browser, invite.url, { session: null });
    await expect
      .poll(() => E.page.getByTestId('invite-expired').textContent(), { timeout: 20_000 })
      .toBe('This invite link has expired or was revoked. Ask the board’s owner for a new one.');
    expect(await E.page.getByLabel('Password').count()).toBe(0);
    await E.context.close();
  });

  it('API keys: created and shown once, listed by prefix, revoked (the key then answers 401)', async () => {
    await B.page.getByTestId('user-menu').click();
    await B.page.getByRole('menuitem', { name: 'API keys' }).click();
    const dialog = B.page.getByRole('dialog', { name: 'API keys' });
    await dialog.getByLabel('Key name').fill('release script');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const key = await dialog.getByLabel('New API key').inputValue();
    expect(key.length).toBeGreaterThan(20);
    const bearer = api(server.url, { authorization: `Bearer ${key}` });
    expect((await bearer.get(`/api/boards/${boardId}`)).status).toBe(200);
    await dialog.getByRole('button', { name: 'Revoke key release script' }).waitFor();
    expect(await dialog.getByText(key).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Revoke key release script' }).click();
    await dialog.getByText('No keys yet.').waitFor({ timeout: 10_000 });
    expect((await bearer.get(`/api/boards/${boardId}`)).status).toBe(401);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('sign-out leads to sign-in; signing in again returns to the same address', async () => {
    const address = `${server.url}/#/b/${boardId}`;
    await B.page.getByTestId('user-menu').click();
    await B.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await B.page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    await B.page.goto(address);
    await B.page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    await fillAccount(B.page, { email: 'bea@example.test', password: 'wrong password!' });
    await B.page.getByRole('button', { name: 'Sign in' }).click();
    await B.page.getByTestId('account-error').waitFor();
    await fillAccount(B.page, { email: 'bea@example.test', password: PASSWORD });
    await B.page.getByRole('button', { name: 'Sign in' }).click();
    await card(B.page, 'From Bea').waitFor({ timeout: 20_000 });
    expect(B.page.url()).toBe(address);
  });

  it('a session that ends while the board is open (a 401) shows sign-in, and the address is kept', async () => {
    await A.page.goto(`${server.url}/#/b/${boardId}`);
    await card(A.page, 'From Bea').waitFor({ timeout: 20_000 });
    const address = A.page.url();
    // The session ends under the open page (as a revocation or an expiry would).
    await A.context.clearCookies();
    await addCard(A.page, 'After the end');
    await A.page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
    expect(A.page.url()).toBe(address);
    await fillAccount(A.page, { email: 'ada@example.test', password: PASSWORD });
    await A.page.getByRole('button', { name: 'Sign in' }).click();
    await card(A.page, 'From Bea').waitFor({ timeout: 20_000 });
    expect(A.page.url()).toBe(address);
  });
});
