import { describe, expect, test as it } from '../support/fixtures';
import { api } from '../support/http';
import { signUp } from '../support/auth';
import { expectProblem, makeBoard, makeTask } from '../support/rest';

// GET /api/search: full-text over titles and descriptions of the caller's boards only, word
// prefixes, best match first, archived cards last; the GIN index is what the plan uses.

describe('search', () => {
  it('finds cards across the caller’s boards by word prefixes, and nothing of other boards', async ({
    http,
    app,
  }) => {
    const one = await makeBoard(http, 'Search one');
    const two = await makeBoard(http, 'Search two');
    await makeTask(http, one.id, one.columns[0]!.id, 'Fix the zeppelin login', { description: 'OAuth flow' });
    const t2 = await makeTask(http, two.id, two.columns[1]!.id, 'Zeppelin docs');
    await makeTask(http, two.id, two.columns[1]!.id, 'Unrelated');
    const stranger = await signUp(app.url);
    const theirs = api(app.url, stranger.headers);
    const private_ = (await theirs.post('/api/boards', { name: 'Not yours' })).body.data;
    await theirs.post(`/api/boards/${private_.id}/tasks`, {
      columnId: private_.columns[0].id,
      title: 'Zeppelin secret',
    });

    const res = await http.get('/api/search?q=zepp');
    expect(res.status).toBe(200);
    expect(res.body.data.map((h: { title: string }) => h.title).sort()).toEqual([
      'Fix the zeppelin login',
      'Zeppelin docs',
    ]);
    const hit = res.body.data.find((h: { id: string }) => h.id === t2.id);
    expect(hit).toMatchObject({
      board_name: 'Search two',
      column_name: two.columns[1]!.name,
      archived: false,
    });
    // every word must match (title or description)
    expect(
      (await http.get('/api/search?q=zeppelin%20oauth')).body.data.map((h: { title: string }) => h.title),
    ).toEqual(['Fix the zeppelin login']);
    // the other user sees only their own board's card
    expect(
      (await theirs.get('/api/search?q=zeppelin')).body.data.map((h: { title: string }) => h.title),
    ).toEqual(['Zeppelin secret']);
  });

  it('puts archived cards last and marks them', async ({ http }) => {
    const b = await makeBoard(http, 'Archived search');
    const old = await makeTask(http, b.id, b.columns[0]!.id, 'Quokka old');
    await makeTask(http, b.id, b.columns[0]!.id, 'Quokka new');
    await http.post(`/api/tasks/${old.id}/archive`);
    const hits = (await http.get('/api/search?q=quokka')).body.data as { title: string; archived: boolean }[];
    expect(hits.map((h) => [h.title, h.archived])).toEqual([
      ['Quokka new', false],
      ['Quokka old', true],
    ]);
  });

  it('takes tsquery syntax as plain words and refuses queries without words', async ({ http, app }) => {
    for (const q of ["a:* | !b & (c'", 'x'.repeat(200)]) {
      const res = await http.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    expect(expectProblem(await http.get('/api/search?q=%21%21%21'), 400).detail).toBe(
      'q: search for at least one letter or digit',
    );
    expectProblem(await http.get('/api/search'), 400, 'query.q');
    expectProblem(await http.get(`/api/search?q=${'x'.repeat(201)}`), 400, 'query.q');
    expectProblem(await http.get('/api/search?q=a&limit=0x10'), 400, 'query.limit');
    expectProblem(await http.get('/api/search?q=a&evil=1'), 400);
    expectProblem(await api(app.url, {}).get('/api/search?q=a'), 401);
  });

  it('uses the GIN index', async ({ app }) => {
    const client = await app.db.pool.connect();
    try {
      await client.query('BEGIN');
      // a test database is tiny: without this the planner rightly prefers a sequential scan
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN SELECT id FROM tasks t
        WHERE to_tsvector('simple', t.title || ' ' || t.description) @@ to_tsquery('simple', 'x:*')`);
      expect(JSON.stringify(rows)).toContain('tasks_search');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
