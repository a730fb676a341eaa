import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { api } from '../support/http';

let t: TestApp;
let http: ReturnType<typeof api>;
beforeAll(async () => {
  t = await startTestApp();
  http = api(t.url);
});
afterAll(() => t.close());

describe('boards', () => {
  it('creates a board with the default columns and returns the txid that wrote it', async () => {
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

  it('answers a retried create with the same id idempotently, and a different body with 409', async () => {
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

  it('rejects bad input with problem JSON naming the field', async () => {
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

  it('404s unknown ids and 400s malformed ones', async () => {
    expect((await http.get(`/api/boards/${randomUUID()}`)).status).toBe(404);
    expect((await http.get('/api/boards/not-a-uuid')).status).toBe(400);
  });
});
