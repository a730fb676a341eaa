import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabase } from '../bench/lib/database';
import { browserCookies, launchBrowser } from '../test/support/e2e-browser';
import { ensureClientBuilt, startServer } from '../test/support/e2e-server';
import { api } from '../test/support/http';

// Regenerates docs/screenshot.png (the README's picture): a seeded board with labels and due
// dates, one task open with an agent reply holding a highlighted code block. The reply comes
// from the built-in demo model (no provider, no network). Run: `npx tsx scripts/screenshot.ts`
// (DATABASE_URL set: a scratch database on that server; unset: an embedded Postgres).

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'docs/screenshot.png');

/** YYYY-MM-DD, `offset` days from today (local time, as the board shows due dates). */
function day(offset: number) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The `data` of a 2xx answer; anything else stops the script with the answer. */
async function ok<T = unknown>(what: string, res: Promise<{ status: number; body: unknown }>): Promise<T> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { data: T }).data;
}

async function seed(base: string) {
  const http = api(base);
  const board = await ok<{ id: string; columns: { id: string; name: string }[] }>(
    'board',
    http.post('/api/boards', {
      name: 'Product launch',
      columns: ['Todo', 'In progress', 'Review', 'Done'],
    }),
  );
  const col = (name: string) => board.columns.find((c) => c.name === name)!.id;
  const label = async (name: string, color: string) =>
    (await ok<{ id: string }>('label', http.post(`/api/boards/${board.id}/labels`, { name, color }))).id;
  const [bug, feature, docs, design] = [
    await label('Bug', '#dc2626'),
    await label('Feature', '#2563eb'),
    await label('Docs', '#16a34a'),
    await label('Design', '#9333ea'),
  ];
  const cards: [string, string, string, string[], string | null][] = [
    ['Todo', 'Connect a real model provider', 'high', [feature], day(2)],
    ['Todo', 'Fix login redirect loop on Safari', 'urgent', [bug], day(-1)],
    ['Todo', 'Write the onboarding guide', 'medium', [docs], day(9)],
    ['In progress', 'Pricing page layout', 'medium', [design, feature], day(1)],
    ['In progress', 'Search across all boards', 'high', [feature], null],
    ['Review', 'Release notes for 1.0', 'low', [docs], day(0)],
    ['Review', 'Dark mode contrast pass', 'medium', [design, bug], null],
    ['Done', 'Set up CI', 'none', [], null],
    ['Done', 'Invite the team', 'none', [], null],
  ];
  const ids: Record<string, string> = {};
  for (const [column, title, priority, labelIds, dueDate] of cards) {
    const t = await ok<{ id: string }>(
      'task',
      http.post(`/api/boards/${board.id}/tasks`, { columnId: col(column), title, priority }),
    );
    await ok('task labels', http.patch(`/api/tasks/${t.id}`, { labelIds, dueDate }));
    ids[title] = t.id;
  }
  const open = ids['Connect a real model provider']!;
  await ok(
    'description',
    http.patch(`/api/tasks/${open}`, {
      description: 'Pick a provider for the launch and write down the settings the team needs.',
    }),
  );
  await ok(
    'message',
    http.post(`/api/tasks/${open}/messages`, {
      id: crypto.randomUUID(),
      content: 'Show me an example command to start the server with a real model.',
    }),
  );
  // The demo model streams its reply; the picture is taken once it has finished.
  for (let i = 0; ; i++) {
    const msgs = await ok<{ role: string; status: string }[]>(
      'messages',
      http.get(`/api/tasks/${open}/messages`),
    );
    if (msgs.some((m) => m.role === 'assistant' && m.status === 'completed')) break;
    if (i > 300) throw new Error('the demo reply did not complete');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { boardId: board.id, taskId: open };
}

async function main() {
  await ensureClientBuilt();
  const database = await benchDatabase();
  const server = await startServer({
    databaseUrl: database.url,
    logName: 'screenshot',
    env: { LLM_PROVIDER: 'demo', DEMO_TOKEN_MS: '1' },
  });
  const browser = await launchBrowser();
  try {
    const { boardId, taskId } = await seed(server.url);
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
    });
    await context.addCookies(browserCookies(server.owner!.cookie, server.url));
    const page = await context.newPage();
    await page.goto(`${server.url}/#/b/${boardId}/t/${taskId}`);
    const panel = page.getByTestId('task-panel');
    await panel.locator('[data-testid="message-assistant"][data-status="completed"] pre code').waitFor({
      timeout: 30_000,
    });
    // Highlighting loads lazily: wait for its spans, then for fonts and layout to settle.
    await panel
      .locator('pre code .hljs-built_in, pre code [class^="hljs-"]')
      .first()
      .waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="label-chip"]').first().waitFor();
    await page.locator('[data-testid="due-chip"]').first().waitFor();
    await page.evaluate('document.fonts.ready');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: OUT });
    console.log(`wrote ${path.relative(ROOT, OUT)}`);
  } finally {
    await browser.close();
    await server.stop();
    await database.close();
  }
}

await main();
