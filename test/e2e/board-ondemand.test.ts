import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { generateNKeysBetween } from 'fractional-indexing';
import type { ServerProcess } from '../support/e2e-server';
import { card, dragTo, type Client } from '../support/e2e-browser';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// A board past BOARD_ON_DEMAND_CARDS (issue 11) in two real browsers: each column shows its
// first page of cards (BOARD_PAGE_CARDS) and its true count, loads more as it scrolls, follows
// other people's creates and moves, and no request downloads the whole cards shape.

const PAGE = 50;
const SIZES = [400, 200, 10]; // 610 cards: past the default threshold of 500
let app: E2eApp;
let server: ServerProcess;
let A: Client;
let B: Client;
let boardId: string;
let cols: { id: string; name: string }[];
/** Every request A made to the cards shape since its reload. */
const taskShapeUrls: URL[] = [];

const column = (p: Page, i: number) => p.locator(`[data-column-id="${cols[i]!.id}"]`);
const countOf = async (p: Page, i: number) =>
  Number(await column(p, i).locator('.column-head .count').first().textContent());
const moreOf = async (p: Page, i: number) => {
  const more = column(p, i).locator('li.more');
  return (await more.count()) ? Number((await more.textContent())!.split(' ')[0]) : 0;
};

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-board-ondemand' });
  server = app.server;
  const board = await seedBoard(server.url, { name: 'Large board', columns: ['Todo', 'Doing', 'Done'] });
  boardId = board.id;
  cols = board.columns;
  // Seeded in SQL (the REST API would take a minute); valid fractional keys, titles in order.
  const client = new pg.Client({ connectionString: app.database.url });
  await client.connect();
  try {
    for (const [i, n] of SIZES.entries()) {
      const keys = generateNKeysBetween(null, null, n);
      await client.query(
        `INSERT INTO tasks (board_id, column_id, title, position)
         SELECT $1, $2, 'c' || $3 || ' card ' || lpad(k.i::text, 3, '0'), k.pos
           FROM unnest($4::text[]) WITH ORDINALITY AS k(pos, i)`,
        [boardId, cols[i]!.id, i, keys],
      );
    }
  } finally {
    await client.end();
  }
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${boardId}`,
    ready: (p) => card(p, 'c2 card 010'),
  });
  // From a fresh load: every request to the cards shape.
  A.page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/shapes/tasks') taskShapeUrls.push(u);
  });
  await A.page.reload();
  await card(A.page, 'c2 card 010').waitFor({ timeout: 20_000 });
});

afterAll(() => app?.close());

describe('an on-demand board in two browsers', () => {
  it('first render: the first page of each column, true counts, no full download of the cards', async () => {
    for (const p of [A.page, B.page]) {
      await expect.poll(() => countOf(p, 0)).toBe(400);
      expect(await countOf(p, 1)).toBe(200);
      expect(await countOf(p, 2)).toBe(10);
      // the first cards are there; the ones past the first page are not loaded
      await card(p, 'c0 card 001', cols[0]!.id).waitFor();
      expect(await moreOf(p, 0)).toBe(400 - PAGE);
      expect(await moreOf(p, 1)).toBe(200 - PAGE);
      expect(await moreOf(p, 2)).toBe(0);
    }
    // each column's page came from a subset; no request was a snapshot of the whole shape
    const subsets = taskShapeUrls.filter((u) => u.searchParams.has('subset__limit'));
    expect(subsets.length).toBeGreaterThanOrEqual(3);
    const whole = taskShapeUrls.filter(
      (u) =>
        u.searchParams.get('offset') === '-1' &&
        ![...u.searchParams.keys()].some((k) => k.startsWith('subset__')),
    );
    expect(whole.map(String)).toEqual([]);
  });

  it('scrolling a column loads its next page', async () => {
    const list = column(A.page, 0).locator('ul.cards');
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => moreOf(A.page, 0), { timeout: 10_000 }).toBeLessThanOrEqual(400 - 2 * PAGE);
    // the next page's cards render as the column scrolls to them
    const lastShown = () =>
      list.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
        const titles = [...el.querySelectorAll('[data-testid="card-title"]')];
        return Math.max(0, ...titles.map((t) => Number(t.textContent!.split(' ').at(-1))));
      });
    await expect.poll(lastShown, { timeout: 10_000 }).toBeGreaterThan(PAGE);
  });

  it('B creates a card and moves it to another column: A sees both', async () => {
    const title = 'Made in B';
    await column(B.page, 2).getByRole('button', { name: '+ Add a card' }).click();
    await B.page.getByLabel('New card title in Done').fill(title);
    await B.page.keyboard.press('Enter');
    await card(A.page, title, cols[2]!.id).waitFor({ timeout: 10_000 });
    await expect.poll(() => countOf(A.page, 2), { timeout: 10_000 }).toBe(11);
    // onto the first card of Doing: its neighbours are loaded
    await dragTo(B.page, card(B.page, title, cols[2]!.id), card(B.page, 'c1 card 001', cols[1]!.id));
    await card(A.page, title, cols[1]!.id).waitFor({ timeout: 10_000 });
    await card(A.page, title, cols[2]!.id).waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => countOf(A.page, 1), { timeout: 10_000 }).toBe(201);
    expect(await countOf(A.page, 2)).toBe(10);
  });

  it('a card dragged between columns in A lands between loaded neighbours, seen by B', async () => {
    const t = 'c0 card 002';
    await column(A.page, 0)
      .locator('ul.cards')
      .evaluate((el) => (el.scrollTop = 0));
    await dragTo(A.page, card(A.page, t, cols[0]!.id), card(A.page, 'c1 card 002', cols[1]!.id));
    await card(A.page, t, cols[1]!.id).waitFor({ timeout: 2000 });
    await card(B.page, t, cols[1]!.id).waitFor({ timeout: 10_000 });
    await card(B.page, t, cols[0]!.id).waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => countOf(B.page, 0), { timeout: 10_000 }).toBe(399);
    // confirmed by its txid through the stream: nothing left pending
    await expect
      .poll(() => A.page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Synced');
    expect(A.errors.concat(B.errors)).toEqual([]);
  });
});
