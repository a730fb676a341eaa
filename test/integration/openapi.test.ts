import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { api } from '../support/http';
import type { Http } from '../support/rest';

let t: TestApp;
let http: Http;
beforeAll(async () => {
  t = await startTestApp();
  http = api(t.url);
});
afterAll(() => t.close());

const ROUTES = [
  'get /api/boards',
  'post /api/boards',
  'get /api/boards/{id}',
  'patch /api/boards/{id}',
  'delete /api/boards/{id}',
  'get /api/boards/{id}/columns',
  'post /api/boards/{id}/columns',
  'patch /api/columns/{id}',
  'delete /api/columns/{id}',
  'post /api/columns/{id}/move',
  'get /api/boards/{id}/tasks',
  'post /api/boards/{id}/tasks',
  'get /api/tasks/{id}',
  'patch /api/tasks/{id}',
  'delete /api/tasks/{id}',
  'post /api/tasks/{id}/move',
];

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document naming every route, with the shared schemas', async () => {
    const res = await http.get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(documented).toEqual(expect.arrayContaining(ROUTES));
    const schemas = doc.components.schemas;
    for (const name of [
      'Board',
      'Column',
      'Task',
      'Problem',
      'CreateTaskBody',
      'MoveTaskBody',
      'UpdateBoardBody',
    ])
      expect(schemas[name], name).toBeDefined();
    expect(schemas.CreateTaskBody.required).toEqual(expect.arrayContaining(['columnId', 'title']));
    expect(schemas.CreateTaskBody.additionalProperties).toBe(false);
    expect(schemas.Task.properties.priority.enum).toEqual(['none', 'low', 'medium', 'high', 'urgent']);
    const create = doc.paths['/api/boards/{id}/tasks'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreateTaskBody',
    );
    expect(create.responses['201'].content['application/json'].schema.properties.txid).toBeDefined();
    expect(create.responses['400'].content['application/problem+json']).toBeDefined();
    const list = doc.paths['/api/boards/{id}/tasks'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'column', 'priority', 'agentStatus', 'q', 'limit']),
    );
  });

  it('documents only routes that exist: each one answers with something other than "no route"', async () => {
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await http.call(
        method.toUpperCase(),
        path.replace('{id}', randomUUID()),
        method === 'get' || method === 'delete' ? undefined : {},
      );
      expect(res.body?.detail ?? '', route).not.toMatch(/^no route/);
      expect(res.status, route).toBeLessThan(500);
    }
    const missing = await http.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.detail).toMatch(/^no route/);
  });
});
