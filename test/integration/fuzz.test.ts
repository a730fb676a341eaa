import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBoardBody,
  CreateColumnBody,
  CreateTaskBody,
  DeleteColumnQuery,
  ListTasksQuery,
  MoveColumnBody,
  MoveTaskBody,
  UpdateBoardBody,
  UpdateColumnBody,
  UpdateTaskBody,
} from '@kanban/shared';
import { startTestApp, type TestApp } from '../support/app';
import { api } from '../support/http';
import { badQueries, badWrites, type RawRequest } from '../support/fuzz';
import { makeBoard, makeTask, type BoardFixture } from '../support/rest';

// Generated malformed input for every write endpoint (and the two query-string ones): each must
// be a 4xx problem+json, the server must stay up, and the database must not change at all.

const RUNS = 500;
const LIMIT = 16_384;
const CONCURRENCY = 8;
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let t: TestApp;
let board: BoardFixture;
let other: BoardFixture;
let task: { id: string };
beforeAll(async () => {
  t = await startTestApp({ BODY_LIMIT_BYTES: String(LIMIT) });
  const http = api(t.url);
  board = await makeBoard(http, 'Fuzz');
  other = await makeBoard(http, 'Other');
  task = await makeTask(http, board.id, board.columns[0]!.id, 'target');
  await makeTask(http, board.id, board.columns[0]!.id, 'neighbour');
  await t.db.pool.query(`INSERT INTO messages (task_id, role, content) VALUES ($1, 'user', 'hi')`, [task.id]);
});
afterAll(() => t.close());

/** One digest of every row of every table: equal before and after means nothing was written. */
async function checksum(): Promise<string> {
  const { rows } = await t.db.pool.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const parts = [];
  for (const { tablename } of rows) {
    const r = await t.db.pool.query(
      `SELECT $1 || ':' || count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') AS d FROM "${tablename}" x`,
      [tablename],
    );
    parts.push(r.rows[0].d as string);
  }
  return parts.join('|');
}

async function send(method: string, path: string, req: RawRequest) {
  const url = `${t.url}${path}${req.query !== undefined ? `?${req.query}` : ''}`;
  // As the board's owner: malformed input must be refused for what it is, not for a missing session.
  const headers: Record<string, string> = { ...t.owner!.headers };
  if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
  const res = await fetch(url, { method, headers, body: req.body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

/** Fires every request with bounded concurrency; collects what broke the contract. */
async function fire(method: string, path: string, reqs: RawRequest[]) {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < reqs.length) {
      const req = reqs[next++]!;
      const res = await send(method, path, req);
      let ok = res.status >= 400 && res.status < 500 && res.type.includes('application/problem+json');
      if (ok) {
        const body = JSON.parse(res.text) as Record<string, unknown>;
        ok =
          body.status === res.status && ['type', 'title', 'detail'].every((k) => typeof body[k] === 'string');
      }
      if (!ok)
        failures.push(
          `${res.status} ${req.kind}: ${JSON.stringify(req.body ?? req.query)?.slice(0, 300)} → ${res.text.slice(0, 200)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

const cases = (): [string, string, string, fc.Arbitrary<RawRequest>][] => {
  const col = board.columns[0]!.id;
  const col2 = board.columns[1]!.id;
  return [
    ['POST', '/api/boards', 'create board', badWrites({ name: 'B', columns: ['a'] }, CreateBoardBody, LIMIT)],
    [
      'PATCH',
      `/api/boards/${board.id}`,
      'update board',
      badWrites({ name: 'B', settings: { systemPrompt: 'p' } }, UpdateBoardBody, LIMIT),
    ],
    [
      'POST',
      `/api/boards/${board.id}/columns`,
      'create column',
      badWrites({ name: 'C', placement: { index: 0 } }, CreateColumnBody, LIMIT),
    ],
    ['PATCH', `/api/columns/${col}`, 'update column', badWrites({ name: 'C' }, UpdateColumnBody, LIMIT)],
    [
      'POST',
      `/api/columns/${col}/move`,
      'move column',
      badWrites({ placement: { index: 2 } }, MoveColumnBody, LIMIT),
    ],
    [
      'POST',
      `/api/boards/${board.id}/tasks`,
      'create task',
      badWrites({ columnId: col, title: 'T', priority: 'low', model: 'm' }, CreateTaskBody, LIMIT),
    ],
    [
      'PATCH',
      `/api/tasks/${task.id}`,
      'update task',
      badWrites({ title: 'T', description: 'd', priority: 'high' }, UpdateTaskBody, LIMIT),
    ],
    [
      'POST',
      `/api/tasks/${task.id}/move`,
      'move task',
      badWrites({ columnId: col2, placement: { index: 0 } }, MoveTaskBody, LIMIT),
    ],
    [
      'DELETE',
      `/api/columns/${col}`,
      'delete column (query)',
      // A valid query that names a real decision would delete or move: those are not malformed.
      badQueries(
        ['moveTasksTo', 'deleteTasks'],
        [col2, other.columns[0]!.id, 'true', 'false', randomUUID()],
        DeleteColumnQuery,
        (q) => {
          const query = q as DeleteColumnQuery;
          return query.deleteTasks === 'true' || query.moveTasksTo === col2;
        },
      ),
    ],
    [
      'GET',
      `/api/boards/${board.id}/tasks`,
      'list tasks (query)',
      badQueries(
        ['column', 'priority', 'agentStatus', 'q', 'limit'],
        [col, 'high', 'idle', 'x', '10'],
        ListTasksQuery,
      ),
    ],
  ];
};

describe(`generated malformed input (seed ${seed})`, () => {
  it(`${RUNS} bad requests per endpoint: only 4xx problem+json, nothing written, still healthy`, async () => {
    const before = await checksum();
    const summary: string[] = [];
    for (const [i, [method, path, name, arb]] of cases().entries()) {
      const reqs = fc.sample(arb, { numRuns: RUNS, seed: seed + i });
      const failures = await fire(method, path, reqs);
      summary.push(`${name}: ${reqs.length} requests, ${failures.length} failures`);
      expect(failures, name).toEqual([]);
      expect((await fetch(`${t.url}/healthz`)).status, `healthz after ${name}`).toBe(200);
    }
    expect(await checksum()).toBe(before);
    console.info(summary.join('\n'));
  });
});
