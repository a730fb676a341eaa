import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollection } from '@tanstack/db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { Task } from '@kanban/shared';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { api } from '../support/http';
import { makeBoard, type BoardFixture } from '../support/rest';
import { fetchAs } from '../support/auth';
import { taskDraft } from '../support/task-draft';

// A write acknowledged while a client's shape is being reset (a web restart: 409, then a fresh
// snapshot) must still confirm: the real TanStack DB collection waits for its txid, and the
// fresh answer must carry it, either in a change (the shape was loaded before the write) or in
// the snapshot-end visibility (the snapshot already contains the write).

let database: TestDatabase;
const apps: SyncTestApp[] = [];
let board: BoardFixture;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await database?.drop();
});

async function start() {
  const app = await startSyncApp({ database });
  apps.push(app);
  return app;
}

/** A client whose requests go to whichever instance is current, and can be held at a gate. */
function client(first: SyncTestApp) {
  let base = first.url;
  let gate: Promise<void> = Promise.resolve();
  let open = () => undefined as void;
  let written = () => undefined as void;
  const rewrite = (input: string | URL | Request) =>
    String(input instanceof Request ? input.url : input).replace(/^http:\/\/127\.0\.0\.1:\d+/, base);
  const tasks = createCollection(
    electricCollectionOptions<Task>({
      id: `tasks-${randomUUID()}`,
      shapeOptions: {
        url: `${first.url}/api/shapes/tasks`,
        params: { board: board.id },
        warnOnHttp: false,
        backoffOptions: { initialDelay: 20, maxDelay: 100, multiplier: 1.5 },
        fetchClient: async (input, init) => {
          await gate;
          return fetchAs(rewrite(input), init);
        },
      },
      getKey: (task) => task.id,
      onInsert: async ({ transaction }) => {
        const task = transaction.mutations[0].modified;
        const res = await api(base).post(`/api/boards/${board.id}/tasks`, {
          id: task.id,
          columnId: task.column_id,
          title: task.title,
        });
        if (res.status >= 400) throw new Error(`REST ${res.status}`);
        written();
        return { txid: (res.body as { txid: number }).txid };
      },
    }),
  );
  return {
    tasks,
    /** Holds the client's shape requests until openGate(); resolves once the next write returned. */
    closeGate(): Promise<void> {
      gate = new Promise<void>((resolve) => (open = resolve));
      return new Promise<void>((resolve) => (written = resolve));
    },
    openGate: () => open(),
    moveTo(app: SyncTestApp) {
      base = app.url;
    },
  };
}

const draft = (id: string, title: string) =>
  taskDraft({ id, boardId: board.id, columnId: board.columns[0]!.id, title });

it('confirms writes made across a restart, whether or not the new instance had the shape loaded', async () => {
  const first = await start();
  board = await makeBoard(api(first.url), 'Txids across a restart');
  const c = client(first);
  await c.tasks.preload();

  // 1. The new instance has no shape yet: its snapshot already contains the write.
  let committed = c.closeGate();
  await first.close();
  const second = await start();
  c.moveTo(second);
  const inSnapshot = randomUUID();
  const one = c.tasks.insert(draft(inSnapshot, 'in the snapshot'));
  await committed; // only now may the client refetch: the snapshot will contain the write
  c.openGate();
  await one.isPersisted.promise;
  expect(c.tasks.get(inSnapshot)?.position).not.toBe('zz'); // the server's row

  // 2. The new instance already follows the shape (another client loaded it) when the write lands.
  committed = c.closeGate();
  await second.close();
  const third = await start();
  const other = follow(`${third.url}/api/shapes/tasks`, { board: board.id });
  await other.until(() => other.rows().length === 1, 10_000, 'the other client');
  c.moveTo(third);
  const inLog = randomUUID();
  const two = c.tasks.insert(draft(inLog, 'in the log'));
  await committed;
  // The write reached the loaded shape's log (the other client has it) before the refetch.
  await other.until(() => other.rows().some((r) => r.id === inLog), 10_000, 'the write in the log');
  c.openGate();
  await two.isPersisted.promise;
  expect(c.tasks.get(inLog)?.position).not.toBe('zz');
  other.stop();
  await c.tasks.cleanup();
});
