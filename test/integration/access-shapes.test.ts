import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncApp, type SyncTestApp } from '../support/sync-app';
import { api } from '../support/http';
import { signUp, type Session } from '../support/auth';
import { follow } from '../support/sync-client';

// Every shape answers 401 without credentials and 403 to a non-member, changing nothing; a member follows them with the official client, and
// `members?user=me` is each user's own list of boards.

let t: SyncTestApp;
let outsider: Session;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startSyncApp();
  outsider = await signUp(t.url, { name: 'Outsider' });
  const http = api(t.url);
  const board = await http.post('/api/boards', { name: 'Private board' });
  ids.board = board.body.data.id;
  const task = await http.post(`/api/boards/${ids.board}/tasks`, {
    columnId: board.body.data.columns[0].id,
    title: 'Secret',
  });
  ids.task = task.body.data.id;
});
afterAll(() => t?.close());

const SHAPES = () => [
  `boards?board=${ids.board}`,
  `columns?board=${ids.board}`,
  `tasks?board=${ids.board}`,
  `messages?board=${ids.board}`,
  `messages?task=${ids.task}`,
  `members?board=${ids.board}`,
  `labels?board=${ids.board}`,
  `activity?task=${ids.task}`,
  `agents?board=${ids.board}`,
  `tool_calls?board=${ids.board}`,
  `tool_calls?task=${ids.task}`,
];

async function checksum() {
  const { rows } = await t.db.pool.query<{ h: string }>(
    `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM (
       SELECT row_to_json(b)::text AS x FROM boards b UNION ALL SELECT row_to_json(c)::text FROM columns c
       UNION ALL SELECT row_to_json(k)::text FROM tasks k UNION ALL SELECT row_to_json(m)::text FROM board_members m) s`,
  );
  return rows[0]!.h;
}

describe('shape access', () => {
  it('401 without credentials, 403 for a non-member, 404 for an unknown board; nothing changes', async () => {
    const anon = api(t.url, {});
    const as = api(t.url, outsider.headers);
    const before = await checksum();
    for (const s of SHAPES()) {
      const a = await anon.get(`/api/shapes/${s}&offset=-1`);
      expect(a.status, s).toBe(401);
      expect(a.headers.get('content-type')).toMatch(/problem\+json/);
      const res = await as.get(`/api/shapes/${s}&offset=-1`);
      expect(res.status, s).toBe(403);
      expect(res.body.type).toBe('/problems/forbidden');
    }
    expect(
      (await as.get(`/api/shapes/tasks?board=00000000-0000-4000-8000-000000000000&offset=-1`)).status,
    ).toBe(404);
    expect((await as.get(`/api/shapes/members?user=${t.owner!.userId}&offset=-1`)).status).toBe(403);
    expect(await checksum()).toBe(before);
  });

  it('members?user=me is the signed-in user’s own boards, through the official client', async () => {
    const mine = follow(`${t.url}/api/shapes/members`, { user: 'me' });
    const theirs = follow(
      `${t.url}/api/shapes/members`,
      { user: 'me' },
      { headers: { cookie: outsider.cookie } },
    );
    try {
      await mine.until(() => mine.rows().length === 1, 10_000, 'the owner’s membership');
      expect(mine.rows()[0]).toMatchObject({ board_id: ids.board, role: 'owner', user_name: 'Test Owner' });
      await theirs.until(() => true, 10_000, 'the outsider’s empty list');
      expect(theirs.rows()).toEqual([]);
      const tasks = follow(`${t.url}/api/shapes/tasks`, { board: ids.board! });
      await tasks.until(() => tasks.rows().length === 1, 10_000, 'the task');
      tasks.stop();
    } finally {
      mine.stop();
      theirs.stop();
    }
  });
});
