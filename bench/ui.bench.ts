import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { generateNKeysBetween } from 'fractional-indexing';
import pg from 'pg';
import { browserCookies, launchBrowser } from '../test/support/e2e-browser';
import { ensureClientBuilt, startServer } from '../test/support/e2e-server';
import { benchDatabase } from './lib/database';
import { postJson } from './lib/http';
import { percentile } from './lib/measure';
import { row, type BenchReport, type BenchRow } from './lib/report';

// The board in Chromium (playwright-core, Debian's chromium) with 1,000 cards against a 5-card
// board measured in the same run: first full render (navigation start to every column showing
// its count and its first cards, from the page's performance timeline), frame times while dragging a card (requestAnimation
// Frame intervals), and filter keystroke latency (input event to the next frame).

const BIG = Number(process.env.BENCH_UI_CARDS ?? 1000);
const SMALL = 5;
const COLUMNS = 4;
const KEYS = 12;
/** The on-demand board (issue 11): past BOARD_ON_DEMAND_CARDS (default 500), against itself eager. */
const HUGE = Number(process.env.BENCH_UI_ONDEMAND_CARDS ?? 5000);

interface Figures {
  render: number;
  dragP95: number;
  dragMax: number;
  filterP50: number;
  filterMax: number;
}

async function makeBoard(base: string, name: string, cards: number) {
  const board = (await postJson(`${base}/api/boards`, {
    name,
    columns: Array.from({ length: COLUMNS }, (_, i) => `Column ${i + 1}`),
  })) as { data: { id: string; columns: { id: string }[] } };
  const cols = board.data.columns.map((c) => c.id);
  // A few at a time, each column filled in order; titles of varied length (1 to 3 lines).
  for (let i = 0; i < cards; i += 8)
    await Promise.all(
      Array.from({ length: Math.min(8, cards - i) }, (_, k) => {
        const n = i + k;
        return postJson(`${base}/api/boards/${board.data.id}/tasks`, {
          columnId: cols[n % COLUMNS],
          title: `Task ${n} ${'with a longer title '.repeat(n % 4)}`.trim(),
        });
      }),
    );
  return board.data.id;
}

// In-page code as strings: the bench compiles without the DOM library (node types only).
// Rendered: the column counts add up to every card, and each column shows its first cards (long
// columns are virtualised, so "the last card in the DOM" no longer exists; a column renders what
// fills its view, and the rest as it scrolls).
const cardsAtLeast = (n: number) => `(() => {
  let total = 0;
  for (const col of document.querySelectorAll('section.column')) {
    const count = Number(col.querySelector('.column-head .count')?.textContent ?? 0);
    total += count;
    if (col.querySelectorAll('li.card').length < Math.min(count, 5)) return false;
  }
  return total >= ${n};
})()`;
const START_FRAMES = `(() => {
  window.__frames = []; window.__stop = false;
  let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => { window.__stop = true; return window.__frames.slice(1); })()`;
const KEYSTROKE = (c: string) => `(async () => {
  const input = document.activeElement;
  const t0 = performance.now();
  input.value += ${JSON.stringify(c)};
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
})()`;

/** A board of `cards` cards seeded in SQL (REST would take minutes), spread over the columns. */
async function makeHugeBoard(base: string, databaseUrl: string, cards: number) {
  const board = (await postJson(`${base}/api/boards`, {
    name: `${cards} cards`,
    columns: Array.from({ length: COLUMNS }, (_, i) => `Column ${i + 1}`),
  })) as { data: { id: string; columns: { id: string }[] } };
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (const [i, col] of board.data.columns.entries()) {
      const keys = generateNKeysBetween(
        null,
        null,
        Math.floor(cards / COLUMNS) + (i < cards % COLUMNS ? 1 : 0),
      );
      await db.query(
        `INSERT INTO tasks (board_id, column_id, title, position)
         SELECT $1, $2, 'Task ' || k.i || repeat(' with a longer title', (k.i % 4)::int), k.pos
           FROM unnest($3::text[]) WITH ORDINALITY AS k(pos, i)`,
        [board.data.id, col.id, keys],
      );
    }
  } finally {
    await db.end();
  }
  return board.data.id;
}

/** Navigation start to every column showing its true count and its first cards, in a new page. */
async function firstRender(context: BrowserContext, url: string, cards: number): Promise<number> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(cardsAtLeast(cards), undefined, { polling: 'raf', timeout: 120_000 });
  const ms = await page.evaluate<number>('performance.now()');
  await page.close();
  return ms;
}

// Each measure is a new page: a second goto to the same page with another hash is a same-document
// navigation, whose performance.now() still counts from the first load.
// BENCH_CPU_PROFILE=<dir>: the page's V8 CPU profile of the named load, as <dir>/ui-<name>.cpuprofile.
async function measure(context: BrowserContext, url: string, cards: number, name?: string): Promise<Figures> {
  const page = await context.newPage();
  const dir = name && process.env.BENCH_CPU_PROFILE;
  const cdp = dir ? await context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await page.goto(url);
  await page.waitForFunction(cardsAtLeast(cards), undefined, { polling: 'raf', timeout: 120_000 });
  const render = await page.evaluate<number>('performance.now()');
  // BENCH_UI_TIMELINE=1: the load's waterfall from the page's performance timeline (when each
  // script, API call and shape request started and ended), to see what the first render waits on.
  if (name && process.env.BENCH_UI_TIMELINE)
    console.log(
      await page.evaluate<string>(`performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
        .map((e) => [Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd), e.transferSize, e.name.replace(location.origin, '')].join(' '))
        .join(' ; ')`),
    );
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    await writeFile(path.join(dir as string, `ui-${name}.cpuprofile`), JSON.stringify(profile));
  }

  // Drag the first card of column 1 towards column 3 in small steps, counting frames.
  const box = (await page.locator('li.card').first().boundingBox())!;
  await page.evaluate(START_FRAMES);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 12, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + 600, box.y + 300, { steps: 60 });
  const frames = await page.evaluate<number[]>(STOP_FRAMES);
  await page.keyboard.press('Escape');
  await page.mouse.up();
  // Dropped or cancelled: wait for the board to settle before the next measure.
  await page.waitForFunction(cardsAtLeast(cards));

  // Type into the filter: each keystroke is timed from the input event to the frame after it.
  await page.getByLabel('Filter cards by text').focus();
  const typed: number[] = [];
  for (let i = 0; i < KEYS; i++) typed.push(await page.evaluate<number>(KEYSTROKE('Task 1 title'[i]!)));
  await page.getByLabel('Filter cards by text').fill('');
  await page.close();
  const sf = [...frames].sort((a, b) => a - b);
  const st = [...typed].sort((a, b) => a - b);
  return {
    render,
    dragP95: percentile(sf, 95),
    dragMax: sf.at(-1) ?? NaN,
    filterP50: percentile(st, 50),
    filterMax: st.at(-1) ?? NaN,
  };
}

export async function run(): Promise<BenchReport> {
  await ensureClientBuilt();
  const database = await benchDatabase();
  let server = await startServer({ databaseUrl: database.url, logName: 'bench-ui' });
  const browser = await launchBrowser();
  try {
    const small = await makeBoard(server.url, 'Five cards', SMALL);
    const big = await makeBoard(server.url, `${BIG} cards`, BIG);
    // The app's CSP (script-src 'self') forbids the string functions evaluated below; the bench
    // lifts it for its own probes only.
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, bypassCSP: true });
    // Signed in as the instance's first account (startServer), which owns both boards.
    await context.addCookies(browserCookies(server.owner!.cookie, server.url));
    // A warm-up load (the server's first page and shapes), then the baseline, then the big
    // board, each in a fresh page.
    await measure(context, `${server.url}/#/b/${small}`, SMALL);
    const base = await measure(context, `${server.url}/#/b/${small}`, SMALL);
    const load = await measure(context, `${server.url}/#/b/${big}`, BIG, 'big');
    // The same HUGE-card board loaded on demand (this server's default threshold) and eagerly (a
    // server with the threshold above it, same database), each after a warm-up load.
    const huge = await makeHugeBoard(server.url, database.url, HUGE);
    const hugeUrl = `${server.url}/#/b/${huge}`;
    await firstRender(context, hugeUrl, HUGE);
    const onDemand = await firstRender(context, hugeUrl, HUGE);
    await server.stop();
    server = await startServer({
      databaseUrl: database.url,
      logName: 'bench-ui-eager',
      port: server.port,
      env: { BOARD_ON_DEMAND_CARDS: String(HUGE * 10) },
    });
    await firstRender(context, hugeUrl, HUGE);
    const eager = await firstRender(context, hugeUrl, HUGE);
    const b = (value: number, label = `${SMALL}-card board`) => ({ value, label });
    const rows: BenchRow[] = [
      row('first full render', load.render, 'ms', 'lower', b(base.render)),
      row('drag frame p95', load.dragP95, 'ms', 'lower', b(base.dragP95)),
      row('drag frame max', load.dragMax, 'ms', 'lower', b(base.dragMax)),
      row('filter keystroke p50', load.filterP50, 'ms', 'lower', b(base.filterP50)),
      row('filter keystroke max', load.filterMax, 'ms', 'lower', b(base.filterMax)),
      row(`first render, ${HUGE} cards on demand`, onDemand, 'ms', 'lower', b(eager, 'same board, eager')),
    ];
    return {
      name: 'ui',
      title: `Board UI in Chromium: ${BIG} cards vs ${SMALL}`,
      params: {
        cards: BIG,
        baseline: SMALL,
        columns: COLUMNS,
        keystrokes: KEYS,
        onDemandCards: HUGE,
        database: database.kind,
      },
      rows,
      notes: ['targets (issue 12): first render <= 1000 ms, drag p95 <= 20 ms, filter keystroke <= 50 ms'],
    };
  } finally {
    await browser.close();
    await server.stop();
    await database.close();
  }
}
