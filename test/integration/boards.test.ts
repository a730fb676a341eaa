import { randomUUID } from 'node:crypto';
import { describe, expect, test as it } from '../support/fixtures';
import { expectProblem } from '../support/rest';

describe('boards', () => {
  it('creates a board with the default columns and returns the txid that wrote it', async ({
    http,
    app: t,
  }) => {
    const res = await http.post('/api/boards', { name: 'Roadmap' });
    expect(res.status).toBe(201);
    expect(res.body.data.name).toBe('Roadmap');
    expect(res.body.data.columns.map((c: { name: string }) => c.name)).toEqual([
      'Todo',
      'In progress',
      'Review',
      'Done',
    ]);
    const { rows } = await t.db.pool.query('SELECT xmin::text AS xmin FROM boards WHERE id = $1', [
      res.body.data.id,
    ]);
    expect(typeof res.body.txid).toBe('number');
    expect(res.body.txid).toBe(Number(rows[0].xmin));
  });

  it('answers a retried create with the same id idempotently, and a different body with 409', async ({
    http,
    app: t,
  }) => {
    const id = randomUUID();
    const first = await http.post('/api/boards', { id, name: 'Once' });
    const again = await http.post('/api/boards', { id, name: 'Once' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.data.id).toBe(id);
    expect(again.body.txid).toBe(first.body.txid);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM columns WHERE board_id = $1', [
      id,
    ]);
    expect(rows[0].n).toBe(4);
    const clash = await http.post('/api/boards', { id, name: 'Other' });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ type: '/problems/conflict', status: 409, title: 'Conflict' });
  });

  it('rejects bad input with problem JSON naming the field', async ({ http }) => {
    const res = await http.post('/api/boards', { name: '' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors[0].path).toBe('body.name');
    const extra = await http.post('/api/boards', { name: 'x', evil: true });
    expect(extra.status).toBe(400);
    const notJson = await http.post('/api/boards', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(notJson.status).toBe(415);
    const broken = await http.post('/api/boards', '{"name":', {});
    expect(broken.status).toBe(400);
    expect(broken.body.type).toBe('/problems/malformed-json');
  });

  it('404s unknown ids and 400s malformed ones', async ({ http }) => {
    expect((await http.get(`/api/boards/${randomUUID()}`)).status).toBe(404);
    expect((await http.get('/api/boards/not-a-uuid')).status).toBe(400);
  });

  it('lists boards and gets one with its columns', async ({ http }) => {
    const made = await http.post('/api/boards', { name: 'Listed', columns: ['One', 'Two'] });
    const list = await http.get('/api/boards');
    expect(list.status).toBe(200);
    expect(list.body.data.map((b: { id: string }) => b.id)).toContain(made.body.data.id);
    const one = await http.get(`/api/boards/${made.body.data.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ id: made.body.data.id, name: 'Listed', settings: {} });
    expect(one.body.data.columns.map((c: { name: string }) => c.name)).toEqual(['One', 'Two']);
  });

  it('renames a board and merges its settings (null clears a key)', async ({ http }) => {
    const { body } = await http.post('/api/boards', {
      name: 'Before',
      settings: { defaultModel: 'demo', systemPrompt: 'be brief' },
    });
    const path = `/api/boards/${body.data.id}`;
    const renamed = await http.patch(path, { name: 'After' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({
      name: 'After',
      settings: { defaultModel: 'demo', systemPrompt: 'be brief' },
    });
    expect(typeof renamed.body.txid).toBe('number');
    const merged = await http.patch(path, { settings: { defaultModel: null } });
    expect(merged.body.data.settings).toEqual({ systemPrompt: 'be brief' });
    expect((await http.get(path)).body.data.name).toBe('After');
  });

  it('rejects invalid renames naming the field, and 404s unknown boards', async ({ http }) => {
    const { body } = await http.post('/api/boards', { name: 'Guarded' });
    const path = `/api/boards/${body.data.id}`;
    expectProblem(await http.patch(path, {}), 400, 'body');
    expectProblem(await http.patch(path, { name: '' }), 400, 'body.name');
    expectProblem(await http.patch(path, { name: 'n'.repeat(201) }), 400, 'body.name');
    expectProblem(await http.patch(path, { settings: { theme: 'dark' } }), 400, 'body.settings');
    expectProblem(
      await http.patch(path, { settings: { systemPrompt: 5 } }),
      400,
      'body.settings.systemPrompt',
    );
    expectProblem(await http.post('/api/boards', { name: 'x', columns: [''] }), 400, 'body.columns.0');
    expectProblem(
      await http.post('/api/boards', { name: 'x', columns: Array(51).fill('c') }),
      400,
      'body.columns',
    );
    expect((await http.get(path)).body.data.name).toBe('Guarded');
    expectProblem(await http.patch(`/api/boards/${randomUUID()}`, { name: 'x' }), 404);
    expectProblem(await http.del(`/api/boards/${randomUUID()}`), 404);
    expectProblem(await http.patch('/api/boards/x', { name: 'x' }), 400, 'path.id');
    expectProblem(await http.del('/api/boards/x'), 400, 'path.id');
  });

  it('deletes a board', async ({ http }) => {
    const { body } = await http.post('/api/boards', { name: 'Temporary' });
    const res = await http.del(`/api/boards/${body.data.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: body.data.id });
    expect(typeof res.body.txid).toBe('number');
    expectProblem(await http.get(`/api/boards/${body.data.id}`), 404);
  });
});
