import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import type { Client } from '../support/e2e-browser';
import { openPair, seedBoard, startE2eApp, type E2eApp } from '../support/e2e-app';

// Edit and resend in two browsers (docs/chat.md): A edits an earlier message of theirs, the
// replies after it are replaced by one new reply to the edited text, and B sees the same chat.

let app: E2eApp;
let fake: FakeLlm;
let A: Client;
let B: Client;

/** The fake model answers whatever the newest user message says, so a reply names its question. */
const lastUser = (body: { messages: { role: string; content: unknown }[] }) => {
  const m = [...body.messages].reverse().find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content);
};
const answerTo = (question: string) => `Answer to ${question}`;

/** Every message of the open chat as `role|status|text`, top to bottom. */
const transcript = (p: Page) =>
  p
    .getByTestId('chat-log')
    .locator('[data-testid^="message-"]')
    .evaluateAll((els) =>
      els.map(
        (e) =>
          `${e.getAttribute('data-testid')}|${e.getAttribute('data-status')}|${(e.querySelector('.md')?.textContent ?? '').trim()}`,
      ),
    );

async function send(c: Client, text: string) {
  const box = c.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

const done = (question: string) => [
  `message-user|completed|${question}`,
  `message-assistant|completed|${answerTo(question)}`,
];

beforeAll(async () => {
  fake = await startFakeLlm();
  fake.setDefault((body) => ({ text: answerTo(lastUser(body)) }));
  app = await startE2eApp({ logName: 'e2e-edit-resend', fake });
  const board = await seedBoard(app.server.url, { name: 'Edits', columns: ['Todo'], tasks: ['Ask twice'] });
  [A, B] = await openPair(app.browser, {
    urlA: `${app.server.url}/#/b/${board.id}/t/${board.tasks[0]!.id}`,
    ready: (p) => p.getByTestId('task-panel'),
  });
});

afterAll(() => app?.close());

describe('edit and resend', () => {
  it('editing an earlier message replaces the replies after it, in both browsers', async () => {
    // A question per turn, each answered before the next (an edit is refused while one runs).
    for (const question of ['What is two plus two?', 'And three plus three?']) {
      await send(A, question);
      for (const c of [A, B])
        await expect
          .poll(async () => (await transcript(c.page)).slice(-2), { timeout: 15_000 })
          .toEqual(done(question));
    }
    const before = fake.requests.length;

    // Pinned by id: while it is being edited the bubble shows the editor, not its text.
    const id = await A.page
      .getByTestId('message-user')
      .filter({ hasText: 'What is two plus two?' })
      .getAttribute('data-message-id');
    const first = A.page.locator(`[data-message-id="${id}"]`);
    await first.getByRole('button', { name: 'Edit' }).click();
    const editor = first.getByLabel('Edit message');
    expect(await editor.inputValue()).toBe('What is two plus two?');
    await editor.fill('What is two plus five?');
    await first.getByRole('button', { name: 'Save & resend' }).click();

    // The second question and both old answers are gone; one new reply answers the edited text.
    for (const c of [A, B])
      await expect
        .poll(() => transcript(c.page), { timeout: 15_000 })
        .toEqual(done('What is two plus five?'));
    await A.page.getByLabel('Edit message').waitFor({ state: 'detached' });
    // The model was asked once more, about the edited text only (the removed turns are not in
    // its history).
    const asked = fake.requests.slice(before);
    expect(asked).toHaveLength(1);
    const history = JSON.stringify(asked[0]!.body.messages);
    expect(lastUser(asked[0]!.body)).toBe('What is two plus five?');
    for (const gone of ['two plus two', 'three plus three', answerTo('What is two plus two?')])
      expect(history).not.toContain(gone);
    expect(A.errors).toEqual([]);
    expect(B.errors).toEqual([]);
  });

  it('Escape in the editor cancels the edit only: the task stays open, focus back on Edit', async () => {
    const id = await A.page.getByTestId('message-user').first().getAttribute('data-message-id');
    const first = A.page.locator(`[data-message-id="${id}"]`);
    await first.getByRole('button', { name: 'Edit' }).click();
    const editor = first.getByLabel('Edit message');
    await editor.fill('Never sent');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await A.page.getByTestId('task-panel').count()).toBe(1);
    expect(await transcript(A.page)).toEqual(done('What is two plus five?'));
    await expect
      .poll(() =>
        first.getByRole('button', { name: 'Edit' }).evaluate((el) => el === el.ownerDocument.activeElement),
      )
      .toBe(true);
  });
});
