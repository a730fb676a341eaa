import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCheckpoint } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { CHECKPOINT_SCHEMA, openCheckpointer } from '../../server/src/agent/checkpointer';
import type { PipelinedSaver } from '../../server/src/agent/pipelined-saver';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The reply's checkpoints held in memory (PipelinedSaver.hold): written only when a tool call
// (writesSettled), a read of the thread or a pause needs them; and a thread known to be new
// (expectNew) read and deleted without a round trip. Checked against the library's own saver
// reading the same tables.

let database: TestDatabase;
let pool: pg.Pool;
let pipe: pg.Pool;
let saver: PipelinedSaver;
let plain: PostgresSaver;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pipe = new pg.Pool({ connectionString: database.url, max: 2, pipeline: true });
  saver = (await openCheckpointer(pool, pipe)) as PipelinedSaver;
  plain = new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA });
});
afterAll(async () => {
  await pipe?.end();
  await pool?.end();
  await database?.drop();
});

const threadOf = (id: string) => ({ configurable: { thread_id: id, checkpoint_ns: '' } });
const checkpoint = (count: number) => ({
  ...emptyCheckpoint(),
  channel_values: { count },
  channel_versions: { count: 1 },
});
const put = (s: PostgresSaver, id: string, count: number) => {
  const cp = checkpoint(count);
  return s.put(threadOf(id), cp, { source: 'loop', step: count, parents: {} }, { count: 1 }).then(() => cp);
};

describe('PipelinedSaver.hold', () => {
  it('keeps a held thread out of the database until writesSettled, then writes it all', async () => {
    saver.hold('held-1');
    const cp = await put(saver, 'held-1', 1);
    const at = { configurable: { ...threadOf('held-1').configurable, checkpoint_id: cp.id } };
    await saver.putWrites(at, [['count', 2]], 'task-1');
    expect(await plain.getTuple(threadOf('held-1'))).toBeUndefined();
    await saver.writesSettled('held-1');
    const read = await plain.getTuple(threadOf('held-1'));
    expect(read?.checkpoint.id).toBe(cp.id);
    expect(read?.pendingWrites).toEqual([['task-1', 'count', 2]]);
    saver.release('held-1');
  });

  it('writes what a held thread has before the saver reads it', async () => {
    saver.hold('held-2');
    const cp = await put(saver, 'held-2', 1);
    expect((await saver.getTuple(threadOf('held-2')))?.checkpoint.id).toBe(cp.id);
    saver.release('held-2');
  });

  it('drops what was never written when the thread is deleted or released', async () => {
    saver.hold('held-3');
    await put(saver, 'held-3', 1);
    await saver.deleteThread('held-3');
    await saver.writesSettled('held-3');
    expect(await plain.getTuple(threadOf('held-3'))).toBeUndefined();
    await put(saver, 'held-3', 2);
    saver.release('held-3');
    await saver.writesSettled('held-3');
    expect(await plain.getTuple(threadOf('held-3'))).toBeUndefined();
  });
});

describe('PipelinedSaver.expectNew', () => {
  // The database holds a checkpoint the hint says is not there: what the saver answers shows
  // whether it asked the database.
  it('answers the first read of a new thread without the database, later ones from it', async () => {
    const cp = await put(plain, 'new-1', 1);
    saver.expectNew('new-1');
    expect(await saver.getTuple(threadOf('new-1'))).toBeUndefined();
    expect((await saver.getTuple(threadOf('new-1')))?.checkpoint.id).toBe(cp.id);
    saver.release('new-1');
  });

  it('deletes nothing for a new thread nothing was written of, and deletes once something was', async () => {
    await put(plain, 'new-2', 1);
    saver.expectNew('new-2');
    saver.hold('new-2');
    await put(saver, 'new-2', 2);
    await saver.deleteThread('new-2');
    expect((await plain.getTuple(threadOf('new-2')))?.checkpoint.channel_values.count).toBe(1);
    saver.release('new-2');

    saver.expectNew('new-3');
    saver.hold('new-3');
    await put(saver, 'new-3', 1);
    await saver.writesSettled('new-3');
    expect(await plain.getTuple(threadOf('new-3'))).toBeDefined();
    await saver.deleteThread('new-3');
    expect(await plain.getTuple(threadOf('new-3'))).toBeUndefined();
    saver.release('new-3');
  });
});
