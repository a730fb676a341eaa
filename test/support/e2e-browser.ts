import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS } from './e2e-server';
import { defaultHeaders } from './auth';

// Debian's chromium driven by playwright-core (no browser download). Each context is a fresh,
// isolated profile: two contexts are two users.

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Client {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far, for assertions and debugging. */
  errors: string[];
}

/**
 * A new browser (context) on `url`, signed in as the server's default session (its first
 * account, see startServer) unless `session` names another cookie header or null (signed out).
 */
export async function openClient(
  browser: Browser,
  url: string,
  opts: { session?: { cookie: string } | null } = {},
): Promise<Client> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const cookie = opts.session === undefined ? defaultHeaders(url).cookie : opts.session?.cookie;
  if (cookie) await context.addCookies(browserCookies(cookie, url));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return { context, page, errors };
}

/** `a=1; b=2` (a Cookie header, as auth.ts keeps sessions) as cookies of `url`'s origin. */
export function browserCookies(header: string, url: string) {
  const origin = new URL(url).origin;
  return header
    .split(/;\s*/)
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: origin };
    });
}

/** The card with this title, anywhere or inside one column. */
export function card(page: Page, title: string, columnId?: string): Locator {
  const scope = columnId ? `[data-column-id="${columnId}"] ` : '';
  return page.locator(`${scope}li.card`, {
    has: page.locator('[data-testid="card-title"]', { hasText: title }),
  });
}

/** Waits for `check` to pass and returns how long it took from `since`. */
export async function within(
  ms: number,
  since: number,
  what: Locator,
  state: 'visible' | 'detached' = 'visible',
) {
  await what.waitFor({ state, timeout: ms + 4000 });
  return Date.now() - since;
}

/** Drags with real pointer events (solid-dnd's pointer sensor needs movement to activate). */
export async function dragTo(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 12, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height - 10, 80), { steps: 12 });
  await page.mouse.up();
}

/** Drags `from` by (dx, dy) pixels with real pointer events; `during` runs before the drop. */
export async function dragBy(page: Page, from: Locator, dx: number, dy = 0, during?: () => Promise<void>) {
  const a = (await from.boundingBox())!;
  const x = a.x + a.width / 2;
  const y = a.y + a.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 12, y, { steps: 4 });
  await page.mouse.move(x + dx, y + dy, { steps: 12 });
  await during?.();
  await page.mouse.up();
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
