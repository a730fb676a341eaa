import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createCollection } from '@tanstack/db';
import { electricCollectionOptions } from '@tanstack/electric-db-collection';
import type { Task } from '@kanban/shared';
import { withFixtures } from '../support/fixtures';
import { taskDraft } from '../support/task-draft';
import type { SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { defaultHeaders } from '../support/auth';

// TanStack DB optimistic writes: the handler calls REST and returns its txid, and the write is
// confirmed once that txid arrives through the shape; a rejected write rolls back.

const it = withFixtures();
let t: SyncTestApp;
let http: ReturnType<typeof api>;
let board: { id: string; columns: { id: string }[] };

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  http = api(t.url);
  board = (await http.post('/api/boards', { name: 'TanStack' })).body.data;
});

function ok<T>(res: { status: number; body: T }): T {
  if (res.status >= 400) throw new Error(`REST ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

function tasksCollection() {
  return createCollection(
    electricCollectionOptions<Task>({
      id: `tasks-${randomUUID()}`,
      shapeOptions: {
        url: `${t.url}/api/shapes/tasks`,
        params: { board: board.id },
        headers: defaultHeaders(t.url),
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
        return { txid: ok<{ txid: number }>(res).txid };
      },
      onUpdate: async ({ transaction }) => {
        const m = transaction.mutations[0];
        const res = await http.patch(`/api/tasks/${m.key}`, m.changes);
        return { txid: ok<{ txid: number }>(res).txid };
      },
      onDelete: async ({ transaction }) => {
        const res = await http.del(`/api/tasks/${transaction.mutations[0].key}`);
        return { txid: ok<{ txid: number }>(res).txid };
      },
    }),
  );
}

const draft = (id: string, columnId: string, title: string) =>
  taskDraft({ id, boardId: board.id, columnId, title });

it('confirms optimistic insert, update and delete by their txids', async () => {
  const tasks = tasksCollection();
  await tasks.preload();
  const id = randomUUID();
  const insert = tasks.insert(draft(id, board.columns[0]!.id, 'optimistic'));
  expect(tasks.get(id)?.title).toBe('optimistic'); // visible before the server answered
  await insert.isPersisted.promise;
  // confirmed rows are the server's: its position key replaced our placeholder
  expect(tasks.get(id)?.position).not.toBe('zz');

  const update = tasks.update(id, (d) => {
    d.title = 'renamed';
  });
  await update.isPersisted.promise;
  expect(tasks.get(id)?.title).toBe('renamed');
  const { rows } = await t.db.pool.query('SELECT title FROM tasks WHERE id = $1', [id]);
  expect(rows[0].title).toBe('renamed');

  const del = tasks.delete(id);
  await del.isPersisted.promise;
  expect(tasks.has(id)).toBe(false);
  await tasks.cleanup();
});

it('rolls back a write the server rejects', async () => {
  const tasks = tasksCollection();
  await tasks.preload();
  const id = randomUUID();
  const insert = tasks.insert(draft(id, randomUUID(), 'into a column that does not exist'));
  expect(tasks.has(id)).toBe(true);
  await expect(insert.isPersisted.promise).rejects.toThrow(/REST 4\d\d/);
  expect(tasks.has(id)).toBe(false);
  await tasks.cleanup();
});
