import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { BTreeIndex, createCollection, createLiveQueryCollection, eq, inArray } from '@tanstack/db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';

type ElectricSyncMode = 'eager' | 'on-demand' | 'progressive';
import type { Task } from '@kanban/shared';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { defaultHeaders } from '../support/auth';

// TanStack DB's on-demand and progressive sync modes against our shapes (electric-protocol §3.6,
// §7): a live query loads only its rows through subset snapshots of a changes_only shape, pages,
// gets live changes, and optimistic writes are confirmed by txid (through the stream, or through
// a subset's snapshot metadata when the stream never carried the write).

const it = withFixtures();
let t: SyncTestApp;
let http: ReturnType<typeof api>;
let board: string;
let first: string;
let second: string;

const ok = <T>(res: { status: number; body: T }): T => {
  if (res.status >= 400) throw new Error(`REST ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
};

/** A board with six tasks in its first column and three in its second. */
async function seedBoard(name: string) {
  const b = ok<any>(await http.post('/api/boards', { name })).data;
  for (let i = 0; i < 6; i++)
    await http.post(`/api/boards/${b.id}/tasks`, { columnId: b.columns[0].id, title: `first ${i}` });
  for (let i = 0; i < 3; i++)
    await http.post(`/api/boards/${b.id}/tasks`, { columnId: b.columns[1].id, title: `second ${i}` });
  return { board: b.id as string, first: b.columns[0].id as string, second: b.columns[1].id as string };
}

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  ({ board, first, second } = await seedBoard('On demand'));
});

function tasksCollection(syncMode: ElectricSyncMode, liveSse = false, boardId = board) {
  const tasks = createCollection(
    electricCollectionOptions<Task>({
      id: `tasks-${syncMode}-${randomUUID()}`,
      syncMode,
      shapeOptions: {
        url: `${t.url}/api/shapes/tasks`,
        params: { board: boardId },
        headers: defaultHeaders(t.url),
        warnOnHttp: false,
        liveSse,
      },
      getKey: (task) => task.id,
      onUpdate: async ({ transaction }) => {
        const m = transaction.mutations[0];
        return { txid: ok<{ txid: number }>(await http.patch(`/api/tasks/${m.key}`, m.changes)).txid };
      },
    }),
  );
  // An ordered index lets a limited query load its page only (without, TanStack loads everything).
  tasks.createIndex((row) => row.title, { indexType: BTreeIndex });
  return tasks;
}

/** The first `limit` tasks of a column by title, as a live query. */
function columnPage(tasks: ReturnType<typeof tasksCollection>, column: string, limit: number) {
  return createLiveQueryCollection({
    query: (q) =>
      q
        .from({ task: tasks })
        .where(({ task }) => eq(task.column_id, column))
        .orderBy(({ task }) => task.title)
        .limit(limit),
  });
}

const titlesOf = (rows: { title: string }[]) => rows.map((r) => r.title);

// The app's own client streams over SSE (client/src/collections/shape-options.ts): both transports.
// Each run has a board of its own: sharing one, the SSE run's page already held the long-poll run's
// "first !", so it equalled the expected page before its own insert arrived and failed once it
// did (most runs on the system PostgreSQL, where the stream delivers before the poll looks).
it.for([false, true])(
  'on-demand (SSE: %s): a live query loads only its page, then follows live changes and confirms writes',
  async (sse) => {
    const own = await seedBoard(`On demand, SSE ${sse}`);
    const tasks = tasksCollection('on-demand', sse, own.board);
    const page = columnPage(tasks, own.first, 3);
    await page.preload();
    const { rows: want } = await t.db.pool.query<{ title: string }>(
      `SELECT title FROM tasks WHERE column_id = $1 ORDER BY title COLLATE "C" LIMIT 3`,
      [own.first],
    );
    expect(titlesOf(page.toArray)).toEqual(titlesOf(want));
    // only what the query asked for was loaded: no task of the other column (TanStack itself
    // may load the rest of the where clause's rows after the first page)
    expect(tasks.toArray.every((task) => task.column_id === own.first)).toBe(true);

    // a new task that sorts first enters the page live
    const created = ok<any>(
      await http.post(`/api/boards/${own.board}/tasks`, { columnId: own.first, title: 'first !' }),
    );
    await expect
      .poll(() => titlesOf(page.toArray), { timeout: 10_000 })
      .toEqual(['first !', 'first 0', 'first 1']);
    expect(created.data.id).toBeTruthy();

    // an optimistic write to a loaded row is confirmed by its txid arriving through the shape
    const target = page.toArray[1]!;
    const tx = tasks.update(target.id, (d) => {
      d.description = 'confirmed on demand';
    });
    await tx.isPersisted.promise;
    expect(tasks.get(target.id)?.description).toBe('confirmed on demand');
    await page.cleanup();
    await tasks.cleanup();
  },
);

// Reopening a view (the chat, a board) makes a new collection on the shape the last one followed
// moments ago: the client remembers that shape's last up-to-date for 60 s (its replay mode).
it.for([false, true])(
  'on-demand (SSE: %s): a second collection on the same shape soon after the first gets its page and live changes',
  async (sse) => {
    const own = await seedBoard(`Reopened, SSE ${sse}`);
    const expectPage = async (page: ReturnType<typeof columnPage>) => {
      const { rows } = await t.db.pool.query<{ title: string }>(
        `SELECT title FROM tasks WHERE column_id = $1 ORDER BY title COLLATE "C" LIMIT 3`,
        [own.first],
      );
      await expect.poll(() => titlesOf(page.toArray), { timeout: 10_000 }).toEqual(titlesOf(rows));
    };
    for (const mark of ['!', '#']) {
      const tasks = tasksCollection('on-demand', sse, own.board);
      const page = columnPage(tasks, own.first, 3);
      await page.preload();
      await expectPage(page);
      ok(await http.post(`/api/boards/${own.board}/tasks`, { columnId: own.first, title: `first ${mark}` }));
      await expectPage(page);
      await page.cleanup();
      await tasks.cleanup();
    }
  },
);

it('on-demand: a write the stream never carried is confirmed by the subset snapshot metadata', async () => {
  // committed before the collection exists: its stream starts at offset=now, after this txid
  const before = ok<any>(
    await http.post(`/api/boards/${board}/tasks`, { columnId: second, title: 'second before' }),
  );
  const tasks = tasksCollection('on-demand');
  const page = columnPage(tasks, second, 10);
  await page.preload();
  expect(titlesOf(page.toArray)).toContain('second before');
  // resolves only if the subset's xmin/xmax/xip_list say the snapshot contains this transaction
  await expect(tasks.utils.awaitTxId(before.txid, 5_000)).resolves.toBe(true);
  await page.cleanup();
  await tasks.cleanup();
});

// inArray compiles to `"title" = ANY($1)` with a `{"a","b"}` array literal (issue 11).
it.for([false, true])(
  'on-demand (SSE: %s): inArray loads only its rows through a subset, then follows live changes',
  async (sse) => {
    const wanted = ['first 2', 'second 1', `in "array" ${sse}`];
    const tasks = tasksCollection('on-demand', sse);
    const picked = createLiveQueryCollection({
      query: (q) => q.from({ task: tasks }).where(({ task }) => inArray(task.title, wanted)),
    });
    await picked.preload();
    const { rows: want } = await t.db.pool.query<{ title: string }>(
      `SELECT title FROM tasks WHERE board_id = $1 AND title = ANY($2) ORDER BY title`,
      [board, wanted],
    );
    expect(want.length).toBeGreaterThan(0);
    expect(titlesOf(picked.toArray).sort()).toEqual(titlesOf(want).sort());
    // the subset held only the array's rows
    expect(tasks.toArray.every((task) => wanted.includes(task.title))).toBe(true);

    // a task created with the array's third title (quotes in it) enters live
    ok(await http.post(`/api/boards/${board}/tasks`, { columnId: first, title: wanted[2] }));
    await expect
      .poll(() => titlesOf(picked.toArray).sort(), { timeout: 10_000 })
      .toEqual([...titlesOf(want), wanted[2]!].sort());
    await picked.cleanup();
    await tasks.cleanup();
  },
);

it('progressive: subsets answer the query at once, then the full snapshot takes over', async () => {
  const tasks = tasksCollection('progressive');
  const page = columnPage(tasks, second, 2);
  await page.preload();
  expect(titlesOf(page.toArray)).toEqual(['second 0', 'second 1']);
  await expect.poll(() => tasks.status, { timeout: 10_000 }).toBe('ready');
  // once ready the whole shape is there, both columns
  await expect.poll(() => tasks.size, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
  const renamed = tasks.toArray.find((task) => task.title === 'first 3')!;
  await http.patch(`/api/tasks/${renamed.id}`, { title: 'first 3 renamed' });
  await expect.poll(() => tasks.get(renamed.id)?.title, { timeout: 10_000 }).toBe('first 3 renamed');
  await page.cleanup();
  await tasks.cleanup();
});
