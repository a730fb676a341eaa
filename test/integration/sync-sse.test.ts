import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { describe, expect, withFixtures } from '../support/fixtures';
import { isChangeMessage, isControlMessage, type Row } from '@electric-sql/client';
import { createCollection } from '@tanstack/db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { Task } from '@kanban/shared';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { changes, follow } from '../support/sync-client';
import { api } from '../support/http';
import { defaultHeaders, fetchAs } from '../support/auth';
import { taskDraft } from '../support/task-draft';

// Live mode over Server-Sent Events (live_sse=true): the official client with `liveSse: true`
// through the scenarios the long-poll tests cover (snapshot, insert/update/delete, moves between
// boards, stream timeouts and reconnects, restart → 409, rotation inside a stream, TanStack DB txid
// confirmation), and the raw framing Electric uses.

// Just over the client's 1 s: shorter streams look like a buffering proxy and it falls back.
const SSE_TIMEOUT_MS = 1_200;
const it = withFixtures({
  syncEnv: { SHAPE_SSE_TIMEOUT_MS: String(SSE_TIMEOUT_MS), SHAPE_SSE_KEEPALIVE_MS: '100' },
});
let t: SyncTestApp;
let http: ReturnType<typeof api>;
it.beforeAll(({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
});

const newBoard = async (name: string) => (await http.post('/api/boards', { name })).body.data;
const newTask = async (board: { id: string; columns: { id: string }[] }, title: string) =>
  (await http.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0]!.id, title })).body;

/** The requests a client made, to tell SSE streams from long-polls. */
function recording() {
  const urls: URL[] = [];
  const listeners = new Set<() => void>();
  const fetchClient = (input: string | URL | Request, init?: RequestInit) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    for (const l of [...listeners]) l();
    return fetch(input, init);
  };
  const sse = () => urls.filter((u) => u.searchParams.get('live_sse') === 'true');
  /** Resolves once the client has opened `n` SSE streams (an event, not a sleep). */
  const streams = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (sse().length < n) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
    });
  return { urls, fetchClient, sse, streams };
}

describe('the official client over SSE', () => {
  it('syncs the snapshot, then inserts, partial updates and deletes, without a long-poll', async () => {
    const board = await newBoard('SSE');
    const seeded = await newTask(board, 'seeded');
    const rec = recording();
    const f = follow(
      `${t.url}/api/shapes/tasks`,
      { board: board.id },
      {
        liveSse: true,
        fetchClient: rec.fetchClient,
      },
    );
    await f.until(() => f.rows().length === 1, 10_000, 'snapshot');
    await rec.streams(1);

    const b = await newTask(board, 'b');
    await f.until(() => f.rows().some((r) => r.id === b.data.id), 10_000, 'insert');
    await http.patch(`/api/tasks/${b.data.id}`, { description: 'described', priority: 'high' });
    await f.until(() => f.rows().find((r) => r.id === b.data.id)?.priority === 'high', 10_000, 'update');
    expect(f.rows().find((r) => r.id === b.data.id)).toMatchObject({ title: 'b', description: 'described' });
    await http.del(`/api/tasks/${seeded.data.id}`);
    await f.until(() => !f.rows().some((r) => r.id === seeded.data.id), 10_000, 'delete');
    expect(f.rows()).toHaveLength(1);

    // Every live request was a stream: the client never fell back to long-polling.
    const live = rec.urls.filter((u) => u.searchParams.get('live') === 'true');
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((u) => u.searchParams.get('live_sse') === 'true')).toBe(true);
    const txids = changes(f.messages).map((m) => (m.headers as { txids?: number[] }).txids?.[0]);
    expect(txids).toContain(b.txid);
    expect(f.errors).toEqual([]);
    f.stop();
  });

  it('follows a task moved to another board: a delete in one shape, an insert in the other', async () => {
    const from = await newBoard('From');
    const to = await newBoard('To');
    const task = (await newTask(from, 'traveller')).data;
    const a = follow(`${t.url}/api/shapes/tasks`, { board: from.id }, { liveSse: true });
    const b = follow(`${t.url}/api/shapes/tasks`, { board: to.id }, { liveSse: true });
    await a.until(() => a.rows().length === 1, 10_000, 'from snapshot');
    await b.until(() => true, 10_000, 'to snapshot');
    const moved = await http.post(`/api/tasks/${task.id}/move`, { columnId: to.columns[1]!.id });
    expect(moved.status).toBe(200);
    await a.until(() => a.rows().length === 0, 10_000, 'gone from the old board');
    await b.until(() => b.rows().some((r) => r.id === task.id), 10_000, 'in the new board');
    expect(b.rows()[0]).toMatchObject({ board_id: to.id, column_id: to.columns[1]!.id });
    a.stop();
    b.stop();
  });

  it('reconnects after the server ends a stream and receives every change exactly once', async () => {
    const board = await newBoard('Reconnect');
    const rec = recording();
    const f = follow(
      `${t.url}/api/shapes/tasks`,
      { board: board.id },
      {
        liveSse: true,
        fetchClient: rec.fetchClient,
      },
    );
    await f.until(() => true, 10_000, 'snapshot');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      // each change goes out on a newer stream than the last (the server ends one every 1.2 s)
      await rec.streams(i + 1);
      made.push((await newTask(board, `t${i}`)).data.id);
      await f.until(() => f.rows().length === i + 1, 10_000, `task ${i}`);
    }
    // A transaction of several rows, then a reconnect at `<its lsn>_0`: none of it comes twice.
    await t.db.pool.query(`UPDATE tasks SET title = title || '!' WHERE board_id = $1`, [board.id]);
    await f.until(() => f.rows().every((r) => (r.title as string).endsWith('!')), 10_000, 'bulk update');
    const streamsBefore = rec.sse().length;
    await rec.streams(streamsBefore + 2);
    const last = (await newTask(board, 'last')).data.id;
    await f.until(() => f.rows().some((r) => r.id === last), 10_000, 'after the reconnects');

    const seen = changes(f.messages).map((m) => `${m.headers.operation} ${m.value.id as string}`);
    expect(seen.filter((s) => s.startsWith('insert'))).toEqual([...made, last].map((id) => `insert ${id}`));
    expect(seen.filter((s) => s.startsWith('update')).sort()).toEqual(
      made.map((id) => `update ${id}`).sort(),
    );
    // resumed streams continued from the offset the last up-to-date gave (`<lsn>_0`)
    const offsets = rec.sse().map((u) => u.searchParams.get('offset')!);
    expect(offsets.some((o) => /^[1-9]\d*_0$/.test(o))).toBe(true);
    expect(f.errors).toEqual([]);
    f.stop();
  });

  it('confirms TanStack DB optimistic writes by txid over SSE', async () => {
    const board = await newBoard('TanStack SSE');
    const tasks = createCollection(
      electricCollectionOptions<Task>({
        id: `tasks-${randomUUID()}`,
        shapeOptions: {
          url: `${t.url}/api/shapes/tasks`,
          headers: defaultHeaders(t.url),
          params: { board: board.id },
          liveSse: true,
          warnOnHttp: false,
        },
        getKey: (task) => task.id,
        onInsert: async ({ transaction }) => {
          const task = transaction.mutations[0].modified;
          const res = await http.post(`/api/boards/${board.id}/tasks`, {
            id: task.id,
            columnId: task.column_id,
            title: task.title,
          });
          return { txid: (res.body as { txid: number }).txid };
        },
        onUpdate: async ({ transaction }) => {
          const m = transaction.mutations[0];
          const res = await http.patch(`/api/tasks/${m.key}`, m.changes);
          return { txid: (res.body as { txid: number }).txid };
        },
      }),
    );
    await tasks.preload();
    const id = randomUUID();
    const insert = tasks.insert(
      taskDraft({ id, boardId: board.id, columnId: board.columns[0]!.id, title: 'optimistic' }),
    );
    await insert.isPersisted.promise;
    expect(tasks.get(id)?.position).not.toBe('zz'); // the server's row replaced the draft
    const update = tasks.update(id, (d) => {
      d.title = 'renamed';
    });
    await update.isPersisted.promise;
    expect(tasks.get(id)?.title).toBe('renamed');
    await tasks.cleanup();
  });
});

describe('SSE on the wire', () => {
  /** Reads an SSE response until `done` holds for what arrived so far. */
  async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!done(text)) {
      const { value, done: end } = await reader.read();
      if (end) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return text;
  }

  it('streams data events, up-to-date with the last LSN, keep-alives and Electric’s headers', async () => {
    const board = await newBoard('Raw SSE');
    const base = `${t.url}/api/shapes/tasks?board=${board.id}`;
    const first = await fetchAs(`${base}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    const offset = first.headers.get('electric-offset')!;
    await first.arrayBuffer();
    const res = await fetchAs(
      `${base}&offset=${offset}&handle=${handle}&live=true&cursor=&live_sse=true&experimental_live_sse=true`,
      { headers: { accept: 'text/event-stream' } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('electric-handle')).toBe(handle);
    expect(res.headers.get('electric-offset')).toBe(offset);
    expect(res.headers.get('electric-cursor')).toMatch(/^\d+$/);
    // Electric: max-age = the SSE timeout in seconds − 1 (1 here: the test's streams last 1.2 s)
    expect(res.headers.get('cache-control')).toBe('public, max-age=1');
    expect(res.headers.get('x-accel-buffering')).toBe('no');

    const created = await newTask(board, 'over the wire');
    const text = await readUntil(res, (s) => s.includes('up-to-date') && s.includes(': keep-alive'));
    const events = text.split('\n\n').filter(Boolean);
    const data = events.filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice(6)));
    expect(data[0]).toMatchObject({ key: `"public"."tasks"/"${created.data.id}"` });
    expect(data[0].headers).toMatchObject({ operation: 'insert', txids: [created.txid] });
    expect(data[1].headers.control).toBe('up-to-date');
    // the client's next offset is `<global_last_seen_lsn>_0`: the LSN of the change it carries
    expect(data[1].headers.global_last_seen_lsn).toBe(data[0].headers.lsn);
    expect(events).toContain(': keep-alive');
  });

  it('sends nothing again to a stream resuming at `<lsn>_0` of a transaction of several changes', async () => {
    const board = await newBoard('Resume');
    for (const title of ['x', 'y', 'z']) await newTask(board, title);
    const base = `${t.url}/api/shapes/tasks?board=${board.id}`;
    const first = await fetchAs(`${base}&offset=-1`);
    const handle = first.headers.get('electric-handle')!;
    await first.arrayBuffer();
    // Follow one stream to the end of a three-row transaction.
    const stream = await fetchAs(
      `${base}&offset=${first.headers.get('electric-offset')}&handle=${handle}&live=true&live_sse=true`,
    );
    await t.db.pool.query(`UPDATE tasks SET priority = 'low' WHERE board_id = $1`, [board.id]);
    const text = await readUntil(stream, (s) => s.includes('up-to-date'));
    const upToDate = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => JSON.parse(e.slice(6)))
      .find((m) => m.headers.control === 'up-to-date');
    const lsn = upToDate.headers.global_last_seen_lsn;

    const resumed = await fetchAs(`${base}&offset=${lsn}_0&handle=${handle}&live=true&live_sse=true`);
    expect(resumed.status).toBe(200);
    const later = await newTask(board, 'later');
    const after = await readUntil(resumed, (s) => s.includes('up-to-date'));
    const keys = after
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => JSON.parse(e.slice(6)).key)
      .filter(Boolean);
    expect(keys).toEqual([`"public"."tasks"/"${later.data.id}"`]);
  });

  it('400s live_sse without live, and 409s a stream for an old handle before it opens', async () => {
    const board = await newBoard('Errors');
    const base = `${t.url}/api/shapes/tasks?board=${board.id}`;
    const noLive = await http.get(`/api/shapes/tasks?board=${board.id}&offset=0_inf&handle=x&live_sse=true`);
    expect(noLive.status).toBe(400);
    expect(noLive.headers.get('cache-control')).toBe('no-store');
    const old = await fetchAs(`${base}&offset=0_inf&handle=not-a-handle&live=true&live_sse=true`);
    expect(old.status).toBe(409);
    expect(old.headers.get('electric-handle')).toBeTruthy();
    expect(await old.json()).toEqual([{ headers: { control: 'must-refetch' } }]);
  });
});

// Several instances on one database: startSyncApp, which the fixtures do not cover.
describe('SSE across rotation and restart', () => {
  let database: TestDatabase;
  const apps: SyncTestApp[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await database?.drop();
  });

  it('ends a stream when its shape rotates; the reconnect gets 409 and the client converges', async () => {
    // Two log entries per shape, then it rotates to a new handle.
    const app = await startSyncApp({ database, env: { SHAPE_LOG_MAX_ENTRIES: '2' } });
    apps.push(app);
    const rest = api(app.url);
    const board = (await rest.post('/api/boards', { name: 'Rotate' })).body.data;
    const f = follow(`${app.url}/api/shapes/tasks`, { board: board.id }, { liveSse: true });
    await f.until(() => true, 10_000, 'snapshot');
    const handle = f.stream.shapeHandle;
    const ids: string[] = [];
    for (const title of ['a', 'b', 'c', 'd']) {
      const res = await rest.post(`/api/boards/${board.id}/tasks`, { columnId: board.columns[0].id, title });
      ids.push(res.body.data.id);
    }
    await f.until(() => ids.every((id) => f.rows().some((r) => r.id === id)), 15_000, 'all four');
    expect(f.stream.shapeHandle).not.toBe(handle);
    expect(f.messages.some((m) => isControlMessage(m) && m.headers.control === 'must-refetch')).toBe(true);
    expect(f.rows()).toHaveLength(4);
    f.stop();
    await app.close();
  });

  it('converges after a restart without kept shapes: the old handle gets 409 before the stream opens', async () => {
    const first = await startSyncApp({ database, env: { SHAPE_PERSIST: 'false' } });
    apps.push(first);
    const board = (await api(first.url).post('/api/boards', { name: 'Restart SSE' })).body.data;
    await api(first.url).post(`/api/boards/${board.id}/tasks`, {
      columnId: board.columns[0].id,
      title: 'before',
    });
    let base = first.url;
    const f = follow<Row>(
      `${first.url}/api/shapes/tasks`,
      { board: board.id },
      {
        liveSse: true,
        fetchClient: (input, init) =>
          fetch(
            String(input instanceof Request ? input.url : input).replace(/^http:\/\/127\.0\.0\.1:\d+/, base),
            init,
          ),
        backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
      },
    );
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    const oldHandle = f.stream.shapeHandle;
    await first.close();
    const second = await startSyncApp({ database, env: { SHAPE_PERSIST: 'false' } });
    apps.push(second);
    base = second.url;
    const after = await api(second.url).post(`/api/boards/${board.id}/tasks`, {
      columnId: board.columns[0].id,
      title: 'after',
    });
    await f.until(() => f.rows().some((r) => r.id === after.body.data.id), 15_000, 'resync after restart');
    expect(f.stream.shapeHandle).not.toBe(oldHandle);
    expect(f.messages.some((m) => isControlMessage(m) && m.headers.control === 'must-refetch')).toBe(true);
    expect(
      f
        .rows()
        .map((r) => r.title)
        .sort(),
    ).toEqual(['after', 'before']);
    expect(changes(f.messages).filter(isChangeMessage).length).toBeGreaterThan(0);
    f.stop();
  });
});
