import { describe, expect } from 'vitest';
import { withFixtures, type RestApp } from '../support/fixtures';
import { expectProblem, type Http } from '../support/rest';

// Cross-cutting HTTP behaviour: health, readiness, request ids, content types and body limits.

const it = withFixtures({ env: { BODY_LIMIT_BYTES: '2048' } });
let t: RestApp;
let http: Http;
it.beforeAll(({ app, http: h }) => {
  t = app;
  http = h;
});

describe('health and readiness', () => {
  it('/healthz answers while the process is up', async () => {
    const res = await http.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when migrated and 503 while a migration is pending', async () => {
    expect((await http.get('/readyz')).status).toBe(200);
    const { rows } = await t.db.pool.query('DELETE FROM schema_migrations WHERE version = $1 RETURNING *', [
      '0001',
    ]);
    try {
      const res = await http.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.pending).toContain('0001_initial_schema');
    } finally {
      await t.db.pool.query(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)',
        [rows[0].version, rows[0].name, rows[0].checksum, rows[0].applied_at],
      );
    }
    expect((await http.get('/readyz')).status).toBe(200);
  });
});

describe('request ids', () => {
  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await http.call('GET', '/api/boards', undefined, { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await http.get('/api/boards');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await http.call('GET', '/api/boards', undefined, { 'x-request-id': 'a b<script>' });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bodies', () => {
  it('415 for a body that is not JSON, 413 over the limit, 400 for broken JSON', async () => {
    expectProblem(await http.post('/api/boards', 'name=x', { 'content-type': 'text/plain' }), 415);
    expectProblem(
      await http.post('/api/boards', '{"name":"x"}', { 'content-type': 'application/json; charset=latin1' }),
      415,
    );
    expectProblem(await http.post('/api/boards', { name: 'x', pad: 'y'.repeat(4096) }), 413);
    expectProblem(await http.post('/api/boards', '{"name": "x",}'), 400);
    expectProblem(await http.post('/api/boards', '"just a string"'), 400);
    expectProblem(await http.post('/api/boards', 'null'), 400);
    expectProblem(
      await http.post('/api/boards', '{"name":"x"}', {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      }),
      400,
    );
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM boards');
    expect(rows[0].n).toBe(0);
  });

  it('rejects text Postgres cannot store (NUL, lone surrogates) as 400, not 500', async () => {
    expectProblem(await http.post('/api/boards', { name: 'a\u0000b' }), 400, 'body.name');
    expectProblem(
      await http.post('/api/boards', { name: 'ok', settings: { systemPrompt: '\u0000' } }),
      400,
      'body.settings.systemPrompt',
    );
    expectProblem(await http.post('/api/boards', '{"name":"\\ud800"}'), 400, 'body.name');
    expectProblem(
      await http.get('/api/boards/00000000-0000-4000-8000-000000000000/tasks?q=%00'),
      400,
      'query.q',
    );
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM boards');
    expect(rows[0].n).toBe(0);
  });

  it('answers malformed paths and unknown methods with problem JSON, OPTIONS with Allow', async () => {
    expectProblem(await http.get('/api/tasks/%E0%A4%A'), 400);
    expectProblem(await http.get('/api/tasks/%00'), 400, 'path.id');
    expectProblem(await http.call('PUT', '/api/boards', { name: 'x' }), 404);
    expect((await http.call('OPTIONS', '/api/boards')).headers.get('allow')).toContain('POST');
    expect((await http.get('/healthz')).status).toBe(200);
  });
});
