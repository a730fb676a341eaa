import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { BTreeIndex, createCollection, createLiveQueryCollection } from '@tanstack/db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { Message } from '@kanban/shared';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { defaultHeaders } from '../support/auth';

// The chat's history paging (client/src/collections/chat-messages.ts) against the real shape
// server: a task's messages shape in TanStack DB on-demand mode, the newest page through a
// subset snapshot ordered by seq, older pages by widening the window, live changes after.

const it = withFixtures();
let t: SyncTestApp;
let http: ReturnType<typeof api>;
let board: string;
let task: string;

type Row = Omit<Message, 'seq'> & { seq: number };

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  const b = (await http.post('/api/boards', { name: 'Paging' })).body.data;
  board = b.id;
  task = (await http.post(`/api/boards/${board}/tasks`, { columnId: b.columns[0].id, title: 'Long chat' }))
    .body.data.id;
  // 120 messages in pairs that share created_at, as a post's question and reply do; their seqs
  // cross the digit boundaries 9/10 and 99/100, where text order is not number order
  await t.db.pool.query(
    `INSERT INTO messages (task_id, board_id, role, content, created_at)
     SELECT $1, $2, 'user', 'history ' || i, now() - interval '1 hour' + (i / 2) * interval '1 second'
       FROM generate_series(0, 119) AS i ORDER BY i`,
    [task, board],
  );
});

function chat(sse: boolean) {
  const messages = createCollection(
    electricCollectionOptions<Row>({
      id: `chat-${randomUUID()}`,
      syncMode: 'on-demand',
      defaultStringCollation: { stringSort: 'lexical' },
      shapeOptions: {
        url: `${t.url}/api/shapes/messages`,
        params: { task },
        headers: defaultHeaders(t.url),
        warnOnHttp: false,
        parser: { int8: (v: string) => Number(v) },
        liveSse: sse,
      },
      getKey: (m) => m.id,
    }),
  );
  messages.createIndex((m) => m.created_at, {
    indexType: BTreeIndex,
    options: { compareOptions: { direction: 'desc', nulls: 'first', stringSort: 'lexical' } },
  });
  const page = createLiveQueryCollection({
    query: (q) =>
      q
        .from({ m: messages })
        .orderBy(({ m }) => m.created_at, 'desc')
        .orderBy(({ m }) => m.seq, 'desc')
        .limit(50),
  });
  return { messages, page };
}

const texts = (rows: { content: string }[]) => rows.map((r) => r.content);
const history = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `history ${to - i}`);

it('loads the newest page through a subset, older pages on a wider window, and live inserts', async () => {
  const { messages, page } = chat(false);
  await page.preload();
  expect(texts(page.toArray)).toEqual(history(70, 119));
  // only the page was loaded (and at most the tie of its oldest row), not the whole chat
  expect(messages.size).toBeLessThanOrEqual(52);
  await page.utils.setWindow({ offset: 0, limit: 100 });
  await expect.poll(() => texts(page.toArray)).toEqual(history(20, 119));
  expect(messages.size).toBeLessThanOrEqual(102);
  await t.db.pool.query(
    `INSERT INTO messages (task_id, board_id, role, content) VALUES ($1, $2, 'user', 'history 120')`,
    [task, board],
  );
  await expect.poll(() => texts(page.toArray)[0], { timeout: 10_000 }).toBe('history 120');
  await page.cleanup();
  await messages.cleanup();
});
