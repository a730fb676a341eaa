import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHttpError } from '../../server/src/http/error-handler';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { createTask, FAST_AGENT_ENV, startAgentApp, type AgentApp } from '../support/agent-app';

// No Postgres text reaches a client. First: real errors of every class a user's value can cause,
// raised by the real server, through the edge's mapping. Then: the REST values that reach
// Postgres (the zod schemas let them through), each answered without a 5xx or database words.

let fake: FakeLlm;
let t: AgentApp;
let boardId: string;
let taskId: string;
let columnId: string;
beforeAll(async () => {
  fake = await startFakeLlm();
  t = await startAgentApp({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl });
  ({ boardId, taskId } = await createTask(t.http));
  columnId = (await t.http.get(`/api/boards/${boardId}`)).body.data.columns[0].id;
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

// Phrases of Postgres' own messages and details; none of them belongs in an answer.
const DB_TEXT =
  /violates|constraint|duplicate key|invalid input|out of range for|relation "|column "|syntax error|SQLSTATE|Key \(|DETAIL:|HINT:|bigint|[Pp]ostgres|stack depth|byte sequence|date\/time/;

async function raise(sqlText: string): Promise<pg.DatabaseError> {
  const client = await t.db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE short (v varchar(2)) ON COMMIT DROP');
    await client.query(sqlText);
    throw new Error(`no error from ${sqlText}`);
  } catch (err) {
    if (!(err instanceof pg.DatabaseError)) throw err;
    return err;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const BOARD = '00000000-0000-4000-8000-000000000001';
describe('a real Postgres error of each class a user can cause', () => {
  it.each([
    ['22001', 400, `INSERT INTO short VALUES ('abc')`],
    ['22003', 400, `SELECT '9223372036854775808'::int8`],
    ['22007', 400, `SELECT 'tomorrow-ish'::timestamptz`],
    ['22008', 400, `SELECT '2026-13-45'::date`],
    ['22012', 400, `SELECT 1 / 0`],
    ['22021', 400, `SELECT convert_from('\\xff'::bytea, 'UTF8')`],
    ['22023', 400, `SELECT generate_series(1, 2, 0)`],
    ['22P02', 400, `SELECT 'not-a-uuid'::uuid`],
    ['22P05', 400, `SELECT '"\\u0000"'::jsonb`],
    ['2201W', 400, `SELECT 1 LIMIT -1`],
    ['2201X', 400, `SELECT 1 OFFSET -1`],
    ['23502', 400, `INSERT INTO boards (name) VALUES (NULL)`],
    ['23503', 409, `INSERT INTO columns (board_id, name, position) VALUES ('${BOARD}', 'x', 'a0')`],
    ['23505', 409, `INSERT INTO boards (id, name) SELECT id, name FROM boards LIMIT 1`],
    ['23514', 400, `INSERT INTO boards (name) VALUES ('')`],
    ['54000', 400, `SELECT array_fill(1, ARRAY[1000000000])`],
    ['54001', 400, `SELECT (repeat('[', 200000) || repeat(']', 200000))::jsonb`],
    ['54023', 400, `SELECT concat(${Array.from({ length: 101 }, (_, i) => i).join(', ')})`],
  ])('%s becomes a %d in our words', async (code, status, sqlText) => {
    const err = await raise(sqlText);
    expect(err.code).toBe(code);
    const problem = toHttpError(err)?.toProblem();
    expect(problem?.status).toBe(status);
    const body = JSON.stringify(problem);
    expect(body).not.toMatch(DB_TEXT);
    for (const text of [err.message, err.detail, err.constraint, err.table, err.column])
      if (text) expect(body).not.toContain(text);
  });
});

describe('values that reach Postgres over REST', () => {
  it('answers a history cursor past bigint with 400 before any SQL, and the largest one with 200', async () => {
    const over = await t.http.get(`/api/tasks/${taskId}/messages?before=9223372036854775808`);
    expect(over.status).toBe(400);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    expect(over.body.errors[0].path).toBe('query.before');
    expect(JSON.stringify(over.body)).not.toMatch(DB_TEXT);
    const max = await t.http.get(`/api/tasks/${taskId}/messages?before=9223372036854775807`);
    expect(max.status).toBe(200);
  });

  // Edge values the contract allows (or refuses), chosen for what Postgres might choke on:
  // bounds, astral and combining characters, LIKE and SQL metacharacters, deep placement.
  const astral = '😀'.repeat(250); // 500 UTF-16 units, 250 characters
  const table: [string, string, string, unknown?][] = [
    ['GET', '/api/tasks/{task}/messages?before=1', ''],
    ['GET', '/api/tasks/{task}/messages?before=9999999999999999999', ''],
    ['GET', '/api/tasks/{task}/messages?before=99999999999999999999', ''],
    ['GET', '/api/tasks/{task}/messages?limit=200', ''],
    ['GET', '/api/tasks/{task}/messages?limit=9223372036854775808', ''],
    ['GET', '/api/boards/{board}/tasks?limit=1000', ''],
    ['GET', '/api/boards/{board}/tasks?limit=1e308', ''],
    ['GET', `/api/boards/{board}/tasks?q=${encodeURIComponent('%_\\')}`, ''],
    ['GET', `/api/boards/{board}/tasks?q=${encodeURIComponent("'; DROP TABLE tasks; --")}`, ''],
    ['GET', `/api/boards/{board}/tasks?q=${encodeURIComponent('\\')}`, ''],
    ['GET', '/api/boards/00000000-0000-0000-0000-000000000000/tasks', ''],
    ['GET', '/api/boards/ffffffff-ffff-ffff-ffff-ffffffffffff', ''],
    ['POST', '/api/boards', '', { name: 'x'.repeat(200) }],
    ['POST', '/api/boards', '', { name: astral.slice(0, 200) }],
    [
      'POST',
      '/api/boards',
      '',
      { name: 'e\u0301'.repeat(100), settings: { systemPrompt: 'y'.repeat(20_000) } },
    ],
    ['POST', '/api/boards', '', { name: 'cols', columns: Array.from({ length: 50 }, (_, i) => `c${i}`) }],
    ['POST', '/api/boards/{board}/tasks', '', { columnId: '{column}', title: astral }],
    [
      'POST',
      '/api/boards/{board}/tasks',
      '',
      { columnId: '{column}', title: 't', description: 'd'.repeat(20_000) },
    ],
    [
      'POST',
      '/api/boards/{board}/tasks',
      '',
      { columnId: '{column}', title: 't', placement: { index: 100_000 } },
    ],
    ['POST', '/api/boards/{board}/tasks', '', { columnId: '{column}', title: 't', model: 'm'.repeat(200) }],
    ['POST', '/api/boards/{board}/tasks', '', { columnId: BOARD, title: 'no such column' }],
    ['POST', '/api/boards/{board}/columns', '', { name: 'n'.repeat(100) }],
    ['POST', '/api/tasks/{task}/messages', '', { content: astral.repeat(40) }],
    ['POST', '/api/tasks/{task}/messages', '', { content: "Robert'); DROP TABLE messages;--" }],
    ['PATCH', '/api/tasks/{task}', '', { title: '\u202eevil\u202c' }],
    ['POST', '/api/tasks/{task}/move', '', { columnId: '{column}', placement: { index: 100_000 } }],
    ['POST', `/api/messages/${BOARD}/cancel`, ''],
    ['POST', `/api/messages/${BOARD}/retry`, ''],
  ];
  it.each(table)('%s %s%s: no 5xx, no database text', async (method, path, _, body) => {
    const fill = (s: string) =>
      s.replace('{task}', taskId).replace('{board}', boardId).replace('{column}', columnId);
    const payload = body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body)));
    const res = await t.http.call(method, fill(path), payload);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    expect(JSON.stringify(res.body)).not.toMatch(DB_TEXT);
    if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
