import { isControlMessage } from '@electric-sql/client';
import { describe, expect } from 'vitest';
import { withFixtures } from '../support/fixtures';
import type { Http } from '../support/rest';
import type { SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { fetchAs } from '../support/auth';

// Claims of the built-in shape server that had no test: a shape whose log reaches its bound
// rotates (old handle 409, the client refetches and converges); a TRUNCATE of a synced table
// rotates its shapes; an idle shape is evicted and its handle then answers 409.

const MAX_ENTRIES = 5;
const it = withFixtures({ syncEnv: { SHAPE_LOG_MAX_ENTRIES: String(MAX_ENTRIES), SHAPE_IDLE_MS: '1000' } });
let t: SyncTestApp;
it.beforeAll(({ syncApp }) => {
  t = syncApp;
});

const mustRefetch = (f: ReturnType<typeof follow>) =>
  f.messages.some((m) => isControlMessage(m) && m.headers.control === 'must-refetch');

async function boardWithTask(rest: Http, title: string) {
  const board = (await rest.post('/api/boards', { name: title })).body.data;
  const col = board.columns[0].id as string;
  await rest.post(`/api/boards/${board.id}/tasks`, { columnId: col, title });
  return { id: board.id as string, col };
}

describe('shape logs', () => {
  it('rotates a shape whose log passes its bound: the client refetches and converges', async ({
    http: rest,
  }) => {
    const b = await boardWithTask(rest, 'Rotating');
    const f = follow(`${t.url}/api/shapes/tasks`, { board: b.id });
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    const first = f.stream.shapeHandle;
    for (let i = 0; i < MAX_ENTRIES + 2; i++)
      await rest.post(`/api/boards/${b.id}/tasks`, { columnId: b.col, title: `more ${i}` });
    await f.until(() => f.rows().length === MAX_ENTRIES + 3, 10_000, 'every row after the rotation');
    expect(f.stream.shapeHandle).not.toBe(first);
    expect(mustRefetch(f)).toBe(true);
    const old = await fetchAs(`${t.url}/api/shapes/tasks?board=${b.id}&offset=0_0&handle=${first}`);
    expect(old.status).toBe(409);
    expect(f.errors).toEqual([]);
    f.stop();
  });

  it('rotates the shapes of a table that was truncated: clients see it empty', async ({ http: rest }) => {
    const b = await boardWithTask(rest, 'Truncated');
    const f = follow(`${t.url}/api/shapes/tasks`, { board: b.id });
    await f.until(() => f.rows().length === 1, 10_000, 'first sync');
    const first = f.stream.shapeHandle;
    await t.db.pool.query('TRUNCATE tasks CASCADE');
    await f.until(() => f.rows().length === 0 && f.stream.shapeHandle !== first, 10_000, 'the empty table');
    expect(mustRefetch(f)).toBe(true);
    // And it follows again afterwards.
    const again = await rest.post(`/api/boards/${b.id}/tasks`, { columnId: b.col, title: 'after' });
    await f.until(() => f.rows().some((r) => r.id === again.body.data.id), 10_000, 'a row after truncate');
    f.stop();
  });

  it('evicts a shape nobody uses, after SHAPE_IDLE_MS; its handle then answers 409', async ({
    http: rest,
  }) => {
    const b = await boardWithTask(rest, 'Idle');
    const res = await fetchAs(`${t.url}/api/shapes/tasks?board=${b.id}&offset=-1`);
    const handle = res.headers.get('electric-handle')!;
    const offset = res.headers.get('electric-offset')!;
    const registry = t.sync.builtin!.registry;
    const key = { schema: 'public', table: 'tasks', where: { column: 'board_id', value: b.id } };
    expect(registry.peek(key)?.handle).toBe(handle);
    // Eviction is timer-driven (the sweeper), so this waits on its effect, bounded.
    await expect.poll(() => registry.peek(key), { timeout: 10_000, interval: 100 }).toBeUndefined();
    const stale = await fetchAs(`${t.url}/api/shapes/tasks?board=${b.id}&offset=${offset}&handle=${handle}`);
    expect(stale.status).toBe(409);
    expect(stale.headers.get('electric-handle')).not.toBe(handle);
  });
});
