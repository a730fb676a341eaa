import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/http';
import { card, type Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// Small things a keyboard or a long title runs into: the shortcut list, clamped titles, and
// where focus goes after the open task is deleted.

let app: E2eApp;
let server: ServerProcess;
let A: Client;
let B: Client;
let boardId: string;
let columnId: string;
const longTitle = 'A very long card title that keeps going '.repeat(12).slice(0, 479);

beforeAll(async () => {
  app = await startE2eApp({ logName: 'e2e-feel' });
  server = app.server;
  const board = await seedBoard(server.url, {
    name: 'Feel',
    columns: ['Todo'],
    tasks: ['Short one', longTitle],
  });
  boardId = board.id;
  columnId = board.columns[0]!.id;
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${boardId}`,
    ready: (p) => card(p, 'Short one'),
  });
});

afterAll(() => app?.close());

describe('feel', () => {
  it('? lists the keyboard shortcuts, and a visible button does too', async () => {
    await card(A.page, 'Short one').focus();
    await A.page.keyboard.press('?');
    const list = A.page.getByTestId('shortcuts');
    await list.waitFor();
    const text = await list.textContent();
    for (const keys of ['?', 'Alt+← / Alt+→', 'Alt+↑ / Alt+↓', 'Escape', 'Ctrl+K (⌘K)'])
      expect(text).toContain(keys);
    // Closing puts focus back where it was: on the card, then on the button that opened it.
    const focusedIs = (l: ReturnType<typeof card>) =>
      l.evaluate((el) => el === el.ownerDocument.activeElement);
    await A.page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedIs(card(A.page, 'Short one'))).toBe(true);
    const button = A.page.getByRole('button', { name: /Shortcuts/ });
    await button.click();
    await list.waitFor();
    await A.page.getByRole('button', { name: 'Close' }).click();
    await list.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedIs(button)).toBe(true);
  });

  it('a long title is clamped to three lines on the card and whole in its tooltip', async () => {
    const title = card(A.page, longTitle.slice(0, 40)).getByTestId('card-title');
    expect(await title.getAttribute('title')).toBe(longTitle);
    const { lines, clamp } = await title.evaluate((el) => {
      const cs = el.ownerDocument.defaultView!.getComputedStyle(el);
      return { lines: el.clientHeight / parseFloat(cs.lineHeight), clamp: cs.webkitLineClamp };
    });
    expect(clamp).toBe('3');
    expect(Math.round(lines)).toBe(3);
  });

  it('typing in the open panel keeps focus while the task changes underneath', async () => {
    const t = (await api(server.url).post(`/api/boards/${boardId}/tasks`, { columnId, title: 'Steady' })).body
      .data;
    await card(A.page, 'Steady').click();
    const panel = A.page.getByTestId('task-panel');
    const activity = panel.getByTestId('activity');
    await expect
      .poll(() => activity.locator('summary').textContent(), { timeout: 10_000 })
      .toBe('Activity (1)');
    const title = panel.getByLabel('Title');
    await title.click();
    await A.page.keyboard.type(' and calm');
    // Counts every moment the panel left the page or focus fell to nothing.
    // (A string: the tests compile without the DOM library.)
    await A.page.evaluate(`(() => {
      window.lost = [];
      document.addEventListener('focusout', (e) => {
        if (!e.relatedTarget) window.lost.push('focusout of ' + e.target.getAttribute('aria-label'));
      });
      new MutationObserver(() => {
        if (document.querySelector('aside.panel[aria-busy="true"]')) window.lost.push('panel swapped for Loading');
      }).observe(document.body, { subtree: true, childList: true });
    })()`);
    // Someone else edits the description: the row reaches A and the history is read again.
    await api(server.url).patch(`/api/tasks/${t.id}`, { description: 'Changed elsewhere' });
    await expect
      .poll(() => activity.locator('summary').textContent(), { timeout: 10_000 })
      .toBe('Activity (2)');
    await panel.getByText('Changed elsewhere').waitFor();
    expect(await A.page.evaluate<string[]>('window.lost')).toEqual([]);
    expect(await A.page.evaluate<string>("document.activeElement?.getAttribute('aria-label')")).toBe('Title');
    expect(await title.inputValue()).toBe('Steady and calm');
    await panel.getByLabel('Close task').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('dragging a tall card over short ones: no two cards overlap at any frame; it lands at the line', async () => {
    const http = api(server.url);
    const heights = (await http.post(`/api/boards/${boardId}/columns`, { name: 'Heights' })).body.data.id;
    const tall = `Tall ${longTitle.slice(0, 200)}`.trim();
    for (const title of [tall, 'Low 1', 'Low 2', 'Low 3'])
      await http.post(`/api/boards/${boardId}/tasks`, { columnId: heights, title });
    const page = A.page;
    const order = (c: Client) =>
      c.page
        .locator(`[data-column-id="${heights}"] li.card [data-testid="card-title"]`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    await expect.poll(() => order(A), { timeout: 10_000 }).toEqual([tall, 'Low 1', 'Low 2', 'Low 3']);
    const from = card(page, 'Tall', heights);
    const a = (await from.boundingBox())!;
    const last = (await card(page, 'Low 3', heights).boundingBox())!;
    // The premise: the dragged card is much taller than the ones it passes.
    expect(a.height).toBeGreaterThan(1.5 * last.height);

    // From the first frame of the drag to the drop, every animation frame records any two board
    // cards whose boxes intersect, and which card shows the drop line on which side.
    // (A string: the tests compile without the DOM library.)
    await page.evaluate(`(() => {
      window.__drag = { frames: 0, overlaps: [], hints: [], overlay: 0, on: true };
      const d = window.__drag;
      const tick = () => {
        if (!d.on) return;
        d.frames++;
        if (document.querySelector('.card.overlay')) d.overlay++;
        const cards = [...document.querySelectorAll('li.card')].map((el) => ({
          title: el.querySelector('[data-testid="card-title"]').getAttribute('title'),
          r: el.getBoundingClientRect(),
          hint: el.classList.contains('drop-before') ? 'before' : el.classList.contains('drop-after') ? 'after' : '',
        }));
        for (const c of cards) {
          const h = c.title.slice(0, 5) + ':' + c.hint;
          if (c.hint && !d.hints.includes(h)) d.hints.push(h);
        }
        for (let i = 0; i < cards.length; i++)
          for (let j = i + 1; j < cards.length; j++) {
            const [p, q] = [cards[i].r, cards[j].r];
            if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom)
              d.overlaps.push(cards[i].title.slice(0, 5) + ' × ' + cards[j].title.slice(0, 5) + ' at frame ' + d.frames);
          }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const frame = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => r(0)))');
    const x = a.x + a.width / 2;
    const y0 = a.y + a.height / 2;
    await page.mouse.move(x, y0);
    await page.mouse.down();
    await page.mouse.move(x, y0 + 12, { steps: 4 });
    // Down past the short cards' centres, a frame at each step, to below the middle of the last.
    const y1 = last.y + last.height * 0.75 + (y0 - a.y);
    for (let y = y0 + 12; y <= y1; y += 8) {
      await page.mouse.move(x, y);
      await frame();
    }
    await frame();
    const seen = await page.evaluate<{
      frames: number;
      overlaps: string[];
      hints: string[];
      overlay: number;
    }>('(() => { window.__drag.on = false; return window.__drag; })()');
    await page.mouse.up();
    expect(seen.overlaps).toEqual([]);
    expect(seen.frames).toBeGreaterThan(10);
    expect(seen.overlay).toBeGreaterThan(0);
    // The line passed each short card and ended below the last one.
    for (const low of ['Low 1', 'Low 2', 'Low 3']) expect(seen.hints.join(' ')).toContain(`${low}:`);
    expect(seen.hints).toContain('Low 3:after');
    for (const c of [A, B])
      await expect.poll(() => order(c), { timeout: 10_000 }).toEqual(['Low 1', 'Low 2', 'Low 3', tall]);
  });

  it('deleting the open task puts focus on its column, and B sees the card go', async () => {
    await card(A.page, 'Short one').click();
    const panel = A.page.getByTestId('task-panel');
    await panel.getByRole('button', { name: 'Delete task' }).click();
    await A.page.getByRole('dialog').getByRole('button', { name: 'Delete task' }).click();
    await panel.waitFor({ state: 'detached' });
    await expect
      .poll(() => A.page.locator(':focus').getAttribute('data-column-id'), { timeout: 5000 })
      .toBe(columnId);
    await card(B.page, 'Short one').waitFor({ state: 'detached' });
  });
});
