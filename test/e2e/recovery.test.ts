import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import type { Client } from '../support/e2e-browser';
import type { ServerProcess } from '../support/e2e-server';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// A clean server stop (SIGTERM, as Ctrl-C or a deploy does) and a start on the same port, with
// two browsers open on one task. The server's own disconnect is the one socket.io-client does not
// retry; the pages must come back by themselves, say the truth meanwhile, and stream the next reply
// token by token. Checkpoints are far apart, so text on screen mid-reply came over the socket.

let app: E2eApp;
let fake: FakeLlm;
let server: ServerProcess;
let A: Client;
let B: Client;

const TERMINAL = ['completed', 'failed', 'cancelled', 'interrupted'];
const lastReply = (p: Page) => p.getByTestId('message-assistant').last();
const pill = (p: Page) => p.getByTestId('sync-state');
const tokens = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}${i} `);

/** Waits until the last reply on `p` shows `word`. */
const shows = (p: Page, word: string) =>
  lastReply(p).locator('.md').filter({ hasText: word }).waitFor({ timeout: 15_000 });

async function send(c: Client, text: string) {
  const box = c.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

beforeAll(async () => {
  fake = await startFakeLlm();
  app = await startE2eApp({ logName: 'e2e-recovery', fake, env: { AGENT_CHECKPOINT_MS: '60000' } });
  server = app.server;
  const board = await seedBoard(server.url, {
    name: 'Recovery',
    columns: ['Todo'],
    tasks: ['Survive a restart'],
  });
  [A, B] = await openPair(app.browser, {
    urlA: `${server.url}/#/b/${board.id}/t/${board.tasks[0]!.id}`,
    ready: (p) => p.getByTestId('task-panel'),
  });
});

afterAll(() => app?.close());

describe('recovery from a clean server restart', () => {
  it('a reply cut by the stop says so, both pages reconnect, and the next reply streams token by token', async () => {
    // A reply that streams three tokens and then waits: the stop cuts it mid-stream.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.enqueue({ text: tokens('cut', 6), beforeToken: (i) => (i >= 3 ? held : undefined) });
    await send(A, 'Start something long');
    for (const c of [A, B]) await shows(c.page, 'cut2');
    await A.page.getByRole('button', { name: 'Stop' }).waitFor();

    const stopped = server.stop();
    // Meanwhile each page says what it knows: not synced, the reply cut, no Stop that cannot work.
    for (const c of [A, B]) {
      await c.page.locator('[data-testid="sync-state"]:not([data-state="synced"])').waitFor();
      await c.page.locator('[data-testid="message-assistant"][data-cut="true"]').waitFor();
      expect(await lastReply(c.page).getByTestId('reply-state').textContent()).toContain('connection lost');
      expect(await c.page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    }
    await stopped;
    release();

    fake.setDefault({ text: 'Recovered.' });
    server = await app.restart();
    for (const c of [A, B])
      await c.page.locator('[data-testid="sync-state"][data-state="synced"]').waitFor({ timeout: 30_000 });
    // The cut reply ends one way or another; an interruption is calm on the card, not an error.
    for (const c of [A, B]) {
      await expect
        .poll(() => lastReply(c.page).getAttribute('data-status'), { timeout: 30_000 })
        .toSatisfy((s: string | null) => TERMINAL.includes(s ?? ''));
      const badge = c.page.locator('li.card [data-testid="agent-status"]');
      if (await badge.count()) expect(await badge.getAttribute('data-state')).not.toBe('error');
    }

    // The next reply: each token goes out only once both pages show the one before, so both
    // follow it token by token over their reconnected, resubscribed sockets.
    const next = tokens('tok', 8);
    fake.enqueue({
      text: next,
      beforeToken: async (i) => {
        if (i > 0) await Promise.all([shows(A.page, `tok${i - 1}`), shows(B.page, `tok${i - 1}`)]);
      },
    });
    await send(B, 'Still there?');
    for (const c of [A, B])
      await expect
        .poll(() => lastReply(c.page).getAttribute('data-status'), { timeout: 20_000 })
        .toBe('completed');
    for (const c of [A, B])
      expect((await lastReply(c.page).locator('.md').textContent())?.trim()).toBe(next.join('').trim());
    expect(await pill(A.page).getAttribute('data-state')).toBe('synced');
  });
});
