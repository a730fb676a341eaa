import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { api } from '../support/http';
import { browserCookies, card, openClient, screenshot, type Client } from '../support/e2e-browser';
import { defaultHeaders } from '../support/auth';
import type { ServerProcess } from '../support/e2e-server';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';
import { tokenGate } from '../support/gate';

// The agent chat in two browsers: both watch one reply stream token by token and end on the
// same text, through stop, reload and a server restart. The model is the fake OpenAI server.

let app: E2eApp;
let fake: FakeLlm;
let server: ServerProcess;
let A: Client;
let B: Client;
let boardId: string;
let taskId: string;

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');

const replies = (p: Page) => p.getByTestId('message-assistant');
const lastReply = (p: Page) => replies(p).last();
const replyText = async (p: Page) => ((await lastReply(p).locator('.md').textContent()) ?? '').trim();
const replyStatus = (p: Page) => lastReply(p).getAttribute('data-status');

interface Recorded {
  __replies: { text: string; status: string | null; node: number }[];
}

/**
 * Runs in the page before its scripts: records the newest reply bubble's text, status and
 * element identity at every DOM change from the first paint on, so a test can tell a steady
 * pick-up from one that blanks, shrinks, swaps the element or flips its status meanwhile.
 * (A string: the tests compile without the DOM library.)
 */
const RECORD_REPLIES = `(() => {
  window.__replies = [];
  const nodes = new WeakMap();
  let next = 0;
  const look = () => {
    const all = document.querySelectorAll('[data-testid="message-assistant"]');
    const el = all[all.length - 1];
    if (!el) return;
    if (!nodes.has(el)) nodes.set(el, next++);
    const text = (el.querySelector('.md')?.textContent ?? '').trim();
    const status = el.getAttribute('data-status');
    const last = window.__replies[window.__replies.length - 1];
    if (!last || last.text !== text || last.status !== status || last.node !== nodes.get(el))
      window.__replies.push({ text, status, node: nodes.get(el) });
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
})()`;

async function sql(text: string, values: unknown[]) {
  const db = new pg.Client({ connectionString: app.database.url });
  await db.connect();
  try {
    await db.query(text, values);
  } finally {
    await db.end();
  }
}

async function send(c: Client, text: string) {
  const box = c.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until the last reply in `p` is streaming with some text already shown. */
async function seeStreaming(p: Page, count: number) {
  await expect.poll(() => replies(p).count(), { timeout: 10_000 }).toBe(count);
  await expect.poll(() => replyStatus(p), { timeout: 10_000 }).toBe('streaming');
  await expect.poll(async () => (await replyText(p)).length, { timeout: 10_000 }).toBeGreaterThan(0);
}

beforeAll(async () => {
  fake = await startFakeLlm();
  app = await startE2eApp({ logName: 'e2e-chat', fake, env: { AGENT_CHECKPOINT_MS: '300' } });
  server = app.server;
  const board = await seedBoard(server.url, {
    name: 'Product launch',
    columns: ['Todo', 'In progress', 'Done'],
    tasks: ['Plan the launch'],
  });
  boardId = board.id;
  taskId = board.tasks[0]!.id;
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${boardId}/t/${taskId}`,
    ready: (p) => p.getByTestId('task-panel'),
  });
});

afterAll(() => app?.close());

describe('task chat in two browsers', () => {
  it('both watch the reply stream and end with the same final text', async () => {
    const text = words(40, 'alpha');
    fake.setDefault({ text, paceMs: 40 });
    await send(A, 'Draft a launch checklist');
    await B.page
      .getByTestId('message-user')
      .filter({ hasText: 'Draft a launch checklist' })
      .waitFor({ timeout: 2000 });
    await Promise.all([seeStreaming(A.page, 1), seeStreaming(B.page, 1)]);
    // Mid-stream the card says so too.
    await B.page.locator('li.card [data-testid="agent-status"]').waitFor({ timeout: 3000 });
    for (const c of [A, B])
      await expect.poll(() => replyStatus(c.page), { timeout: 15_000 }).toBe('completed');
    expect(await replyText(A.page)).toBe(text);
    expect(await replyText(B.page)).toBe(text);
    expect(await lastReply(B.page).textContent()).toContain('fake-model');
  });

  it('a stop mid-stream leaves both with the same partial text, cancelled', async () => {
    fake.setDefault({ text: words(80, 'beta'), paceMs: 60 });
    await send(A, 'Now a long one');
    await Promise.all([seeStreaming(A.page, 2), seeStreaming(B.page, 2)]);
    await A.page.getByRole('button', { name: 'Stop' }).click();
    for (const c of [A, B])
      await expect.poll(() => replyStatus(c.page), { timeout: 10_000 }).toBe('cancelled');
    await expect
      .poll(async () => (await replyText(A.page)) === (await replyText(B.page)), { timeout: 5000 })
      .toBe(true);
    const partial = await replyText(A.page);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial).not.toContain('beta79');
    await lastReply(B.page).getByRole('button', { name: 'Retry' }).waitFor();
  });

  it('a reload mid-stream picks the reply up where it is and follows it to the end', async () => {
    const text = words(60, 'gamma');
    const upTo = (k: number) => text.split(' ').slice(0, k).join(' ');
    // The model holds after 20 and after 40 words, so "mid-stream" is a known point.
    const gate = tokenGate();
    const [at20, at40] = [gate.holdAt(20), gate.holdAt(40)];
    fake.setDefault({ text, beforeToken: (i) => gate.beforeToken(i) });
    try {
      await send(A, 'And another');
      await at20.reached;
      await seeStreaming(B.page, 3);
      await expect.poll(() => replyText(A.page), { timeout: 10_000 }).toBe(upTo(20));
      await B.page.addInitScript(RECORD_REPLIES);
      await B.page.reload();
      await B.page.getByTestId('task-panel').waitFor({ timeout: 10_000 });
      // Picks it up where it is: still streaming, with exactly the text so far.
      await expect.poll(() => replyStatus(B.page), { timeout: 10_000 }).toBe('streaming');
      await expect.poll(() => replyText(B.page), { timeout: 10_000 }).toBe(upTo(20));
      // Follows it: the text grows on the reloaded page while the reply is still streaming.
      at20.release();
      await at40.reached;
      await expect.poll(() => replyText(B.page), { timeout: 10_000 }).toBe(upTo(40));
      expect(await replyStatus(B.page)).toBe('streaming');
      at40.release();
    } finally {
      gate.releaseAll();
    }
    for (const c of [A, B])
      await expect.poll(() => replyStatus(c.page), { timeout: 20_000 }).toBe('completed');
    expect(await replyText(B.page)).toBe(text);
    expect(await replyText(A.page)).toBe(text);
    // No flicker on the reloaded page: once shown, the reply only grew (never blank, never
    // shorter, never another text), was one element throughout, and went streaming → completed.
    const seen = await B.page.evaluate<Recorded['__replies']>('window.__replies');
    const texts = seen.map((r) => r.text).filter((t, i, all) => t !== all[i - 1]);
    expect(texts.length).toBeGreaterThan(1);
    for (const [i, t] of texts.entries()) if (i) expect(t.startsWith(texts[i - 1]!), `step ${i}`).toBe(true);
    expect(new Set(seen.map((r) => r.node)).size).toBe(1);
    expect(seen.map((r) => r.status).filter((st, i, all) => st !== all[i - 1])).toEqual([
      'streaming',
      'completed',
    ]);
  });

  it('after a server restart both reconnect, resubscribe and converge', async () => {
    // A crash-style stop: the browsers lose their long-polls and sockets at once.
    await server.kill();
    for (const c of [A, B]) await c.page.getByTestId('offline-banner').waitFor({ timeout: 10_000 });
    server = await app.restart();
    for (const c of [A, B])
      await c.page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 });
    const text = words(30, 'delta');
    fake.setDefault({ text, paceMs: 40 });
    await send(B, 'Still there?');
    // A watches it stream over its (re)subscribed socket, then both agree on every message.
    await Promise.all([seeStreaming(A.page, 4), seeStreaming(B.page, 4)]);
    for (const c of [A, B])
      await expect.poll(() => replyStatus(c.page), { timeout: 15_000 }).toBe('completed');
    const transcript = (p: Page) =>
      p
        .locator('[data-testid^="message-"]')
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('data-status')}|${e.querySelector('.md')?.textContent ?? ''}`),
        );
    expect(await transcript(B.page)).toEqual(await transcript(A.page));
    expect(await replyText(A.page)).toBe(text);
  });

  it('screenshots: a reply mid-stream (card badge, stop button) and finished, light and dark', async () => {
    // A board worth looking at: these pictures go to test/artifacts, and the light mid-stream one
    // to docs/screenshot.png for the README when UPDATE_DOCS_SCREENSHOT=1.
    const http = api(server.url);
    const [todo, doing, done] = (await http.get(`/api/boards/${boardId}`)).body.data.columns;
    const add = async (columnId: string, title: string, priority: string, description = '') =>
      (await http.post(`/api/boards/${boardId}/tasks`, { columnId, title, priority, description })).body.data;
    await add(todo.id, 'Record the demo video', 'medium');
    await add(todo.id, 'Update the pricing page', 'low');
    await add(done.id, 'Fix the signup email typo', 'none');
    const release = await add(
      doing.id,
      'Write the release checklist',
      'high',
      'Everything we must do **before** tagging `1.0`.',
    );
    await A.page.emulateMedia({ colorScheme: 'light' });
    await A.page.goto(`${server.url}/#/b/${boardId}/t/${release.id}`);
    await expect
      .poll(() => A.page.getByTestId('task-panel').getByLabel('Title').inputValue(), { timeout: 10_000 })
      .toBe('Write the release checklist');
    fake.setDefault({
      paceMs: 90,
      text: [
        'Here is a checklist for **1.0**:\n\n',
        '1. **Freeze the scope**: only fixes after Friday.\n',
        '2. **Write the notes** from the merged pull requests.\n',
        '3. **Tag and publish**:\n\n',
        '```bash\nnpm version 1.0.0\ngit push --follow-tags\n```\n\n',
        '4. Announce it on the blog, in the changelog and to the mailing list, ',
        'then watch the error dashboards for the first day and keep one person on call for the rollout.\n',
      ].join(''),
    });
    await send(A, 'What should the release checklist cover?');
    await expect.poll(() => replyText(A.page), { timeout: 10_000 }).toContain('version');
    await screenshot(A.page, 'chat-streaming-light');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
      await A.page.screenshot({ path: fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url)) });
    await A.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(A.page, 'chat-streaming-dark');
    // The pictures above really are mid-stream.
    expect(await replyStatus(A.page)).toBe('streaming');
    await card(A.page, 'Write the release checklist').getByTestId('agent-status').waitFor();
    await expect.poll(() => replyStatus(A.page), { timeout: 15_000 }).toBe('completed');
    await lastReply(A.page).locator('pre code').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await screenshot(A.page, `chat-${scheme}`);
    }
    await A.page.emulateMedia({ colorScheme: 'light' });
  });

  it('pages a long history from the newest 50 up, follows live messages, and the board opens no messages shape', async () => {
    const http = api(server.url);
    const columnId = (await http.get(`/api/boards/${boardId}`)).body.data.columns[0].id;
    const history = (await http.post(`/api/boards/${boardId}/tasks`, { columnId, title: 'Long history' }))
      .body.data;
    // 130 finished messages (more than two pages of 50), written straight into the table.
    await sql(
      `INSERT INTO messages (task_id, board_id, role, content, status, model)
       SELECT $1, $2, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END, 'history ' || i, 'completed',
              CASE WHEN i % 2 = 0 THEN NULL ELSE 'fake-model' END
       FROM generate_series(0, 129) AS i ORDER BY i`,
      [history.id, boardId],
    );
    // A browser of its own, every request recorded from its first page load on.
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 860 } });
    await context.addCookies(browserCookies(defaultHeaders(server.url).cookie!, server.url));
    const page = await context.newPage();
    const shapes: string[] = [];
    page.on('request', (r) => r.url().includes('/api/shapes/') && shapes.push(r.url()));
    try {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${server.url}/#/b/${boardId}/t/${history.id}`);
      const panel = page.getByTestId('task-panel');
      await expect
        .poll(() => panel.getByLabel('Title').inputValue(), { timeout: 10_000 })
        .toBe('Long history');
      const log = panel.getByTestId('chat-log');
      const shown = () =>
        log
          .locator('[data-testid^="message-"]')
          .evaluateAll((els) =>
            els.map((e) => [e.getAttribute('data-message-id'), e.querySelector('.md')?.textContent?.trim()]),
          );
      const expected = (from: number, to = 129) =>
        Array.from({ length: to + 1 - from }, (_, i) => `history ${from + i}`);
      const check = async (from: number, to?: number, after: string[] = []) => {
        const rows = await shown();
        expect(rows.map((r) => r[1])).toEqual([...expected(from, to), ...after]);
        expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
      };
      const inView = (text: string) =>
        log.evaluate((el, t) => {
          const m = [...el.querySelectorAll('.md')].find((e) => e.textContent?.trim() === t);
          if (!m) return false;
          const a = m.getBoundingClientRect();
          const b = el.getBoundingClientRect();
          return a.bottom > b.top && a.top < b.bottom;
        }, text);
      // The newest page: 50 messages, the header counts all 130 (the task row's summary).
      await expect.poll(async () => (await shown()).length, { timeout: 10_000 }).toBe(50);
      await check(80);
      expect(await panel.locator('.chat-head').textContent()).toContain('130 messages');
      const older = log.getByRole('button', { name: /Show older messages/ });
      expect(await older.textContent()).toContain('(80)');
      // Scrolling up to the top loads the page below, which goes in above what the reader saw.
      await log.evaluate((el) => (el.scrollTop = 0));
      await expect.poll(async () => (await shown()).length, { timeout: 10_000 }).toBe(100);
      await check(30);
      expect(await inView('history 80')).toBe(true);
      expect(await inView('history 30')).toBe(false);
      await screenshot(page, 'chat-history-light');

      // Another browser's message and the reply streaming in arrive live, at the bottom,
      // without pushing the older ones back out.
      await B.page.goto(`${server.url}/#/b/${boardId}/t/${history.id}`);
      await B.page.getByTestId('task-panel').getByTestId('chat-log').waitFor();
      const answer = words(30, 'gamma');
      fake.setDefault({ text: answer, paceMs: 40 });
      await send(B, 'history from B');
      await expect.poll(() => replyStatus(page), { timeout: 10_000 }).toBe('streaming');
      await expect.poll(() => replyStatus(page), { timeout: 15_000 }).toBe('completed');
      expect(await replyText(page)).toBe(answer);
      await check(30, 129, ['history from B', answer]);

      // The rest of the history, in order, no duplicates; then nothing more to load.
      await log.evaluate((el) => (el.scrollTop = 0));
      await expect.poll(async () => (await shown()).length, { timeout: 10_000 }).toBe(132);
      await check(0, 129, ['history from B', answer]);
      await older.waitFor({ state: 'detached' });

      // The card reads the summary: 132 messages, and the reply that finished while this reader
      // was scrolled up is unread until the chat is at its bottom again.
      const longCard = card(page, 'Long history');
      await expect.poll(() => longCard.getByTestId('message-count').textContent()).toContain('132');
      await longCard.getByTestId('unread').waitFor();
      await log.getByRole('button', { name: /Jump to latest/ }).click();
      await longCard.getByTestId('unread').waitFor({ state: 'detached' });
      // One chat shape (this task's), and no board-wide messages shape at all.
      expect(shapes.filter((u) => /\/api\/shapes\/messages\?.*board=/.test(u))).toEqual([]);
      expect(shapes.some((u) => /\/api\/shapes\/messages\?.*task=/.test(u))).toBe(true);
      await B.page.goto(`${server.url}/#/b/${boardId}/t/${taskId}`);
      await B.page.getByTestId('task-panel').waitFor();
    } finally {
      await context.close();
    }
  });

  it('an unseen reply shows the unread dot in B until B opens the task; a fresh browser starts with none', async () => {
    // B looks at the board, not at the task.
    await B.page.getByTestId('task-panel').getByRole('button', { name: 'Close task' }).click();
    const planB = card(B.page, 'Plan the launch');
    await planB.getByTestId('message-count').waitFor();
    expect(await planB.getByTestId('unread').count()).toBe(0);
    fake.setDefault({ text: 'A short answer.' });
    await api(server.url).post(`/api/tasks/${taskId}/messages`, { id: randomUUID(), content: 'Ping' });
    await planB.getByTestId('unread').waitFor({ timeout: 15_000 });
    // Opening the task (chat scrolled to the bottom) reads it.
    await planB.click();
    await B.page.getByTestId('task-panel').getByText('A short answer.').waitFor();
    await planB.getByTestId('unread').waitFor({ state: 'detached', timeout: 2000 });
    await B.page.reload();
    await card(B.page, 'Plan the launch').getByTestId('message-count').waitFor({ timeout: 10_000 });
    expect(await card(B.page, 'Plan the launch').getByTestId('unread').count()).toBe(0);
    // A browser that has never seen the board takes its whole history as read.
    const C = await openClient(app.browser, `${server.url}/#/b/${boardId}`);
    try {
      for (const title of ['Plan the launch', 'Long history'])
        await card(C.page, title).getByTestId('message-count').waitFor({ timeout: 20_000 });
      expect(await C.page.getByTestId('unread').count()).toBe(0);
    } finally {
      await C.context.close();
    }
  });
});
