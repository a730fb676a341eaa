import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { CONTRACT, QUERY_CONTRACT } from '../support/contract';
import { withFixtures, type RestApp } from '../support/fixtures';
import {
  badQueries,
  badWrites,
  goodWrites,
  tableQueries,
  tableWrites,
  type RawRequest,
} from '../support/fuzz';
import { testSeed } from '../support/gate';
import { makeBoard, makeTask, type BoardFixture, type Http } from '../support/rest';

// Generated input for every write endpoint (and the two query-string ones), judged by the API
// contract written down in support/contract.ts — not by the server's own schemas:
// - what the contract refuses must be a 4xx problem+json, write nothing, and leave the server up;
// - what the contract accepts must not be refused as invalid (nor answered 5xx).
// The seed is fixed (FUZZ_SEED or TEST_SEED replays another) and printed in the test name.

const RUNS = 500;
const GOOD_RUNS = 60;
const LIMIT = 16_384;
const CONCURRENCY = 8;
const seed = Number(process.env.FUZZ_SEED ?? testSeed(20_261_201));

const it = withFixtures({ env: { BODY_LIMIT_BYTES: String(LIMIT) } });
let t: RestApp;
let http: Http;
let board: BoardFixture;
let other: BoardFixture;
let task: { id: string };
it.beforeAll(async ({ app, http: h }) => {
  t = app;
  http = h;
  board = await makeBoard(http, 'Fuzz');
  other = await makeBoard(http, 'Other');
  task = await makeTask(http, board.id, board.columns[0]!.id, 'target');
  await makeTask(http, board.id, board.columns[0]!.id, 'neighbour');
  await t.db.pool.query(`INSERT INTO messages (task_id, role, content) VALUES ($1, 'user', 'hi')`, [task.id]);
});

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
  const headers: Record<string, string> = { ...t.owner.headers };
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

const cases = (): [string, string, string, fc.Arbitrary<RawRequest>, RawRequest[]?][] => {
  const col = board.columns[0]!.id;
  const col2 = board.columns[1]!.id;
  return [
    [
      'POST',
      '/api/boards',
      'create board',
      badWrites({ name: 'B', columns: ['a'] }, CONTRACT.createBoard, LIMIT),
      tableWrites({ name: 'B', columns: ['a'] }, CONTRACT.createBoard),
    ],
    [
      'PATCH',
      `/api/boards/${board.id}`,
      'update board',
      badWrites({ name: 'B', settings: { systemPrompt: 'p' } }, CONTRACT.updateBoard, LIMIT),
      tableWrites({ name: 'B', settings: { systemPrompt: 'p' } }, CONTRACT.updateBoard),
    ],
    [
      'POST',
      `/api/boards/${board.id}/columns`,
      'create column',
      badWrites({ name: 'C', placement: { index: 0 } }, CONTRACT.createColumn, LIMIT),
      tableWrites({ name: 'C', placement: { index: 0 } }, CONTRACT.createColumn),
    ],
    [
      'PATCH',
      `/api/columns/${col}`,
      'update column',
      badWrites({ name: 'C' }, CONTRACT.updateColumn, LIMIT),
      tableWrites({ name: 'C' }, CONTRACT.updateColumn),
    ],
    [
      'POST',
      `/api/columns/${col}/move`,
      'move column',
      badWrites({ placement: { index: 2 } }, CONTRACT.moveColumn, LIMIT),
      tableWrites({ placement: { index: 2 } }, CONTRACT.moveColumn),
    ],
    [
      'POST',
      `/api/boards/${board.id}/tasks`,
      'create task',
      badWrites({ columnId: col, title: 'T', priority: 'low', model: 'm' }, CONTRACT.createTask, LIMIT),
      tableWrites({ columnId: col, title: 'T', priority: 'low', model: 'm' }, CONTRACT.createTask),
    ],
    [
      'PATCH',
      `/api/tasks/${task.id}`,
      'update task',
      badWrites({ title: 'T', description: 'd', priority: 'high' }, CONTRACT.updateTask, LIMIT),
      tableWrites({ title: 'T', description: 'd', priority: 'high' }, CONTRACT.updateTask),
    ],
    [
      'POST',
      `/api/tasks/${task.id}/move`,
      'move task',
      badWrites({ columnId: col2, placement: { index: 0 } }, CONTRACT.moveTask, LIMIT),
      tableWrites({ columnId: col2, placement: { index: 0 } }, CONTRACT.moveTask),
    ],
    [
      'DELETE',
      `/api/columns/${col}`,
      'delete column (query)',
      badQueries(QUERY_CONTRACT.deleteColumn, [col2, other.columns[0]!.id, 'true', 'false', randomUUID()]),
    ],
    [
      'GET',
      `/api/boards/${board.id}/tasks`,
      'list tasks (query)',
      badQueries(QUERY_CONTRACT.listTasks, [col, 'high', 'idle', 'x', '10']),
      tableQueries(QUERY_CONTRACT.listTasks),
    ],
  ];
};

/** Bodies the contract accepts, on rows that exist, for the endpoints that take a body. */
const goodCases = (): [string, string, string, fc.Arbitrary<Record<string, unknown>>][] => {
  const cols = board.columns.map((c) => c.id);
  const ids = { columnId: cols, id: [undefined] };
  return [
    ['POST', '/api/boards', 'create board', goodWrites(CONTRACT.createBoard, { id: [undefined] })],
    ['PATCH', `/api/boards/${board.id}`, 'update board', goodWrites(CONTRACT.updateBoard)],
    ['POST', `/api/boards/${board.id}/columns`, 'create column', goodWrites(CONTRACT.createColumn, ids)],
    ['PATCH', `/api/columns/${cols[0]}`, 'update column', goodWrites(CONTRACT.updateColumn)],
    ['POST', `/api/columns/${cols[0]}/move`, 'move column', goodWrites(CONTRACT.moveColumn)],
    ['POST', `/api/boards/${board.id}/tasks`, 'create task', goodWrites(CONTRACT.createTask, ids)],
    ['PATCH', `/api/tasks/${task.id}`, 'update task', goodWrites(CONTRACT.updateTask)],
    ['POST', `/api/tasks/${task.id}/move`, 'move task', goodWrites(CONTRACT.moveTask, ids)],
  ];
};

// Thousands of sequential requests: on a loaded 2-core machine this outlasts the default 60 s.
describe(`generated input judged by the API contract (seed ${seed})`, { timeout: 240_000 }, () => {
  it(`${RUNS} bad requests per endpoint: only 4xx problem+json, nothing written, still healthy`, async () => {
    const before = await checksum();
    const summary: string[] = [];
    for (const [i, [method, path, name, arb, table = []]] of cases().entries()) {
      const reqs = [...table, ...fc.sample(arb, { numRuns: RUNS, seed: seed + i })];
      const failures = await fire(method, path, reqs);
      summary.push(`${name}: ${reqs.length} requests, ${failures.length} failures`);
      expect(failures, name).toEqual([]);
      expect((await fetch(`${t.url}/healthz`)).status, `healthz after ${name}`).toBe(200);
    }
    expect(await checksum()).toBe(before);
  });

  it(`${GOOD_RUNS} valid bodies per endpoint are never refused as invalid`, async () => {
    for (const [i, [method, path, name, arb]] of goodCases().entries()) {
      const failures: string[] = [];
      for (const body of fc.sample(arb, { numRuns: GOOD_RUNS, seed: seed + 100 + i })) {
        const res = await http.call(method, path, body);
        // 404/409 are answers about the rows (say, a move past a deleted neighbour), not refusals.
        const tooLarge = res.status === 413 && Buffer.byteLength(JSON.stringify(body)) > LIMIT;
        if (([400, 413, 415].includes(res.status) && !tooLarge) || res.status >= 500)
          failures.push(
            `${res.status} ${JSON.stringify(body).slice(0, 200)} → ${JSON.stringify(res.body).slice(0, 200)}`,
          );
      }
      expect(failures, name).toEqual([]);
    }
  });
});
