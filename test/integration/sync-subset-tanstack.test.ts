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

function tasksCollection(
  syncMode: ElectricSyncMode,
  liveSse = false,
  boardId = board,
  fetchClient?: typeof fetch,
) {
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
        ...(fetchClient ? { fetchClient } : {}),
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

/**
 * A fetch for the shape stream that holds its full snapshot (the `offset=-1` request that is not
 * a subset) at two points the test chooses: before the request is sent (`sent`) and after its
 * answer arrived (`answered`: not yet given to the client). So "the subsets answered while the full
 * snapshot was still on its way" is an event, not a race. Only the client's side is held: the
 * server and its answers are the real ones.
 */
function snapshotGate() {
  const point = () => {
    let reached!: () => void;
    let release!: () => void;
    const hit = new Promise<void>((r) => (reached = r));
    const go = new Promise<void>((r) => (release = r));
    return { hit, go, reached, release };
  };
  const sent = point();
  const answered = point();
  let held = false;
  const fetchClient: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const isSnapshot =
      url.searchParams.get('offset') === '-1' &&
      (init?.method ?? 'GET') === 'GET' &&
      ![...url.searchParams.keys()].some((k) => k.startsWith('subset__'));
    if (!isSnapshot || held) return fetch(input, init);
    held = true;
    sent.reached();
    await sent.go;
    const res = await fetch(input, init);
    answered.reached();
    await answered.go;
    return res;
  };
  return {
    fetchClient,
    sent,
    answered,
    releaseAll() {
      sent.release();
      answered.release();
    },
  };
}

const rowsOf = (rows: Task[]) =>
  rows.map((r) => `${r.id} ${r.column_id} ${r.title} ${r.description ?? ''}`).sort();

// Progressive mode (TanStack DB): the collection follows the whole shape (log=full) but, until its
// first up-to-date, answers live queries through subset snapshots (fetchSnapshot) and buffers the
// stream; at the up-to-date it swaps the buffer in (truncate + snapshot + log) in one transaction.
it.for([false, true])(
  'progressive (SSE: %s): subsets answer first, then the full snapshot takes over with every change exactly once',
  async (sse) => {
    const own = await seedBoard(`Progressive, SSE ${sse}`);
    const gate = snapshotGate();
    try {
      const tasks = tasksCollection('progressive', sse, own.board, gate.fetchClient);
      const page = columnPage(tasks, own.second, 2);
      void page.preload();
      await gate.sent.hit;
      // the subset answers the page while the full snapshot has not even been read
      await expect.poll(() => titlesOf(page.toArray), { timeout: 10_000 }).toEqual(['second 0', 'second 1']);
      expect(tasks.status).not.toBe('ready');
      expect(tasks.toArray.every((task) => task.column_id === own.second)).toBe(true);

      // committed before the stream's first request is sent (the shape, and its snapshot, exist
      // since the first subset: this change is in its log, as it would be in Electric's)
      const early = ok<any>(
        await http.post(`/api/boards/${own.board}/tasks`, { columnId: own.second, title: 'second !' }),
      ).data;
      gate.sent.release();
      await gate.answered.hit;
      // committed after the stream's snapshot was answered, before the client has read it: they
      // reach the client in its next request (the log at 0_inf), still inside the buffered phase
      const { rows: firsts } = await t.db.pool.query<{ id: string }>(
        `SELECT id FROM tasks WHERE column_id = $1 ORDER BY title COLLATE "C"`,
        [own.first],
      );
      ok(await http.patch(`/api/tasks/${firsts[0]!.id}`, { title: 'first 0 renamed' }));
      ok(await http.del(`/api/tasks/${firsts[1]!.id}`));
      const late = ok<any>(
        await http.post(`/api/boards/${own.board}/tasks`, { columnId: own.second, title: 'second #' }),
      ).data;
      // an optimistic write to a row the subset loaded, made while the stream is buffering: its
      // txid only arrives in the log, so it is confirmed by the handover
      const subsetRow = page.toArray[0]!;
      const buffered = tasks.update(subsetRow.id, (d) => {
        d.description = 'confirmed by the handover';
      });
      gate.answered.release();
      await buffered.isPersisted.promise;

      await expect.poll(() => tasks.status, { timeout: 10_000 }).toBe('ready');
      const expectDb = async () => {
        const { rows } = await t.db.pool.query<Task>(
          `SELECT id, column_id, title, description FROM tasks WHERE board_id = $1`,
          [own.board],
        );
        // every row once, none missing, none left over from the subsets, all values current
        await expect.poll(() => rowsOf(tasks.toArray), { timeout: 10_000 }).toEqual(rowsOf(rows));
        expect(tasks.size).toBe(rows.length);
      };
      await expectDb();
      expect(tasks.get(early.id)?.title).toBe('second !');
      expect(tasks.get(late.id)?.title).toBe('second #');
      expect(tasks.get(subsetRow.id)?.description).toBe('confirmed by the handover');
      expect(titlesOf(page.toArray)).toEqual(['second !', 'second #']);

      // after the handover: live changes, into the page and out of it
      ok(await http.patch(`/api/tasks/${early.id}`, { title: 'second ~' }));
      const after = ok<any>(
        await http.post(`/api/boards/${own.board}/tasks`, { columnId: own.second, title: 'second  after' }),
      ).data;
      await expect
        .poll(() => titlesOf(page.toArray), { timeout: 10_000 })
        .toEqual(['second  after', 'second #']);
      await expectDb();

      // an optimistic write confirmed by its txid through the stream
      const tx = tasks.update(after.id, (d) => {
        d.description = 'confirmed progressively';
      });
      await tx.isPersisted.promise;
      expect(tasks.get(after.id)?.description).toBe('confirmed progressively');
      await expectDb();
      await page.cleanup();
      await tasks.cleanup();
    } finally {
      gate.releaseAll();
    }
  },
);
