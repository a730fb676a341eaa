import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { createTask, waitForReply, type AgentApp } from '../support/agent-app';
import { mountedRoutes, toOpenApiPath } from '../support/express-routes';
import { withFixtures } from '../support/fixtures';
import type { Http } from '../support/rest';
import { signUp } from '../support/auth';
import { addMember } from '../support/full-app';
import { untilMessage } from '../support/row-events';

// The OpenAPI document is checked against the running app (with the chat routes), both ways:
// every documented operation exists and answers with a status (and content type) it declares,
// and every route Express mounts under /api is documented. The route list comes from the app's
// router (express-routes.ts), the operation list from the served document: no hand list.

const it = withFixtures();
let t: AgentApp;
let http: Http;
let doc: any;
it.beforeAll(async ({ agentApp, fakeLlm }) => {
  // Replies hang until cancelled, so a reply is never over before the call that needs it live;
  // asked to move (waitingCall), the model asks for move_task first (the queue would be taken by
  // the retries of hanging replies).
  fakeLlm.setDefault((body: { messages: { role: string; content: string }[] }) =>
    body.messages.at(-1)?.role === 'user' && body.messages.at(-1)?.content === 'move this to Done'
      ? { toolCalls: [{ name: 'move_task', args: { column: 'Done' } }] }
      : { text: 'never said', hangAfter: 0 },
  );
  t = agentApp;
  http = agentApp.http;
  doc = (await http.get('/api/openapi.json')).body;
});

interface Declared {
  status: string;
  content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }>;
}
const operations = () =>
  Object.entries(
    doc.paths as Record<string, Record<string, { responses: Record<string, Declared> }>>,
  ).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method} ${path}`, method, path, op })),
  );

/** Routes under /api that are not part of the JSON API the document describes. */
const UNDOCUMENTED = new Set([
  'get /api/openapi.json', // the document itself
  'get /api/shapes/{shape}', // Electric's HTTP shape protocol (docs/sync.md)
]);
/** better-auth's own endpoints (one catch-all route for every method; docs/accounts.md). */
const isAuthRoute = (key: string) => key.endsWith(' /api/auth/*splat');

/** Checks an answer against the operation's declared responses; returns the declared one. */
function expectDeclared(key: string, op: { responses: Record<string, Declared> }, res: any) {
  const declared = op.responses[String(res.status)];
  expect(
    declared,
    `${key} answered ${res.status}, declared ${Object.keys(op.responses).join(',')}`,
  ).toBeDefined();
  const types = Object.keys(declared!.content ?? {});
  if (types.length) expect(types, key).toContain(res.headers.get('content-type')?.split(';')[0]);
  const schema = declared!.content?.[types[0]!]?.schema;
  for (const k of schema?.required ?? []) expect(res.body, `${key}: ${k}`).toHaveProperty(k);
  return declared!;
}

// A valid call of each documented operation, on rows made for it: the document decides which
// operations there are; an operation without an example here fails the test.
type Example = () => Promise<{
  id?: string;
  body?: unknown;
  query?: string;
  params?: Record<string, string>;
}>;
async function freshTask() {
  const { boardId, taskId } = await createTask(t.http);
  const board = (await http.get(`/api/boards/${boardId}`)).body.data;
  return { boardId, taskId, columns: board.columns as { id: string }[] };
}
async function endedReply() {
  const { taskId } = await createTask(t.http);
  const res = await http.post(`/api/tasks/${taskId}/messages`, { content: 'hi' });
  const id = res.body.data.assistant.id as string;
  await http.post(`/api/messages/${id}/cancel`);
  await waitForReply(t.db, id);
  return id;
}
async function freshLabel() {
  const { boardId } = await freshTask();
  const res = await http.post(`/api/boards/${boardId}/labels`, {
    name: `L${randomUUID().slice(0, 8)}`,
    color: '#3b82f6',
  });
  return res.body.data.id as string;
}

/** A tool call waiting for approval: the default agent must ask before move_task, and the model asks. */
async function waitingCall() {
  const { boardId, taskId } = await freshTask();
  const agent = (await http.get(`/api/boards/${boardId}/agents`)).body.data[0];
  await http.patch(`/api/agents/${agent.id}`, { tools: { move_task: 'ask' } });
  const res = await http.post(`/api/tasks/${taskId}/messages`, { content: 'move this to Done' });
  const id = res.body.data.assistant.id as string;
  await untilMessage(
    t.db.url,
    id,
    (m) => (m?.status === 'waiting_for_user' ? m : undefined),
    10_000,
    'waiting',
  );
  return (await http.get(`/api/tasks/${taskId}/tool-calls`)).body.data[0].id as string;
}

/** An agent that is not its board's default (which cannot be deleted). */
async function extraAgent() {
  const { boardId } = await freshTask();
  return (await http.post(`/api/boards/${boardId}/agents`, { handle: 'extra', name: 'Extra' })).body.data
    .id as string;
}
const EXAMPLES: Record<string, Example> = {
  'get /api/boards/{id}/labels': async () => ({ id: (await freshTask()).boardId }),
  'post /api/boards/{id}/labels': async () => ({
    id: (await freshTask()).boardId,
    body: { name: 'Bug', color: '#ef4444' },
  }),
  'patch /api/labels/{id}': async () => ({ id: await freshLabel(), body: { color: '#10b981' } }),
  'delete /api/labels/{id}': async () => ({ id: await freshLabel() }),
  'get /api/search': () => Promise.resolve({ query: 'q=documented' }),
  'get /api/models': () => Promise.resolve({}),
  'get /api/messages/{id}/trace': async () => ({ id: await endedReply() }),
  'get /api/tasks/{id}/activity': async () => ({ id: (await freshTask()).taskId }),
  'post /api/tasks/{id}/archive': async () => ({ id: (await freshTask()).taskId }),
  'post /api/tasks/{id}/restore': async () => ({ id: (await freshTask()).taskId }),
  'post /api/columns/{id}/archive': async () => ({ id: (await freshTask()).columns[1]!.id }),
  'post /api/columns/{id}/restore': async () => ({ id: (await freshTask()).columns[1]!.id }),
  'get /api/boards': () => Promise.resolve({}),
  'post /api/boards': () => Promise.resolve({ body: { name: 'Documented' } }),
  'get /api/boards/{id}': async () => ({ id: (await freshTask()).boardId }),
  'patch /api/boards/{id}': async () => ({ id: (await freshTask()).boardId, body: { name: 'Renamed' } }),
  'delete /api/boards/{id}': async () => ({ id: (await freshTask()).boardId }),
  'get /api/boards/{id}/columns': async () => ({ id: (await freshTask()).boardId }),
  'get /api/boards/{id}/load-plan': async () => ({ id: (await freshTask()).boardId }),
  'post /api/boards/{id}/columns': async () => ({ id: (await freshTask()).boardId, body: { name: 'Later' } }),
  'get /api/boards/{id}/agents': async () => ({ id: (await freshTask()).boardId }),
  'post /api/boards/{id}/agents': async () => ({
    id: (await freshTask()).boardId,
    body: { handle: 'writer', name: 'Writer' },
  }),
  'patch /api/agents/{id}': async () => ({ id: await extraAgent(), body: { name: 'Renamed' } }),
  'delete /api/agents/{id}': async () => ({ id: await extraAgent() }),
  'patch /api/columns/{id}': async () => ({ id: (await freshTask()).columns[1]!.id, body: { name: 'Now' } }),
  'delete /api/columns/{id}': async () => ({ id: (await freshTask()).columns[1]!.id }),
  'post /api/columns/{id}/move': async () => ({
    id: (await freshTask()).columns[1]!.id,
    body: { placement: { index: 0 } },
  }),
  'get /api/boards/{id}/tasks': async () => ({ id: (await freshTask()).boardId, query: 'priority=none' }),
  'post /api/boards/{id}/tasks': async () => {
    const f = await freshTask();
    return { id: f.boardId, body: { columnId: f.columns[0]!.id, title: 'Another' } };
  },
  'get /api/tasks/{id}': async () => ({ id: (await freshTask()).taskId }),
  'patch /api/tasks/{id}': async () => ({ id: (await freshTask()).taskId, body: { title: 'Edited' } }),
  'delete /api/tasks/{id}': async () => ({ id: (await freshTask()).taskId }),
  'post /api/tasks/{id}/move': async () => {
    const f = await freshTask();
    return { id: f.taskId, body: { columnId: f.columns[1]!.id } };
  },
  'get /api/tasks/{id}/messages': async () => ({ id: (await freshTask()).taskId, query: 'limit=5' }),
  'post /api/tasks/{id}/messages': async () => ({
    id: (await freshTask()).taskId,
    body: { content: 'Hello' },
  }),
  'post /api/messages/{id}/cancel': async () => {
    const { taskId } = await createTask(t.http);
    const res = await http.post(`/api/tasks/${taskId}/messages`, { content: 'stop me' });
    return { id: res.body.data.assistant.id };
  },
  'post /api/messages/{id}/retry': async () => ({ id: await endedReply() }),
  'post /api/messages/{id}/edit': async () => {
    const ended = await endedReply();
    const { rows } = await t.db.pool.query('SELECT parent_id FROM messages WHERE id = $1', [ended]);
    return { id: rows[0].parent_id as string, body: { content: 'Edited question' } };
  },
  'get /api/instance': () => Promise.resolve({}),
  'get /api/api-keys': () => Promise.resolve({}),
  'post /api/api-keys': () => Promise.resolve({ body: { name: 'Documented' } }),
  'delete /api/api-keys/{id}': async () => ({
    id: (await http.post('/api/api-keys', { name: 'Revoked' })).body.data.id,
  }),
  'get /api/boards/{id}/members': async () => ({ id: (await freshTask()).boardId }),
  'patch /api/boards/{id}/members/{userId}': async () => {
    const m = await aMember();
    return { ...m, body: { role: 'viewer' } };
  },
  'delete /api/boards/{id}/members/{userId}': aMember,
  'post /api/boards/{id}/invites': async () => ({
    id: (await freshTask()).boardId,
    body: { role: 'viewer' },
  }),
  'delete /api/invites/{id}': async () => ({ id: (await anInvite()).id }),
  'get /api/invites/{token}': async () => ({ params: { token: (await anInvite()).token } }),
  'post /api/invites/{token}/accept': async () => ({ params: { token: (await anInvite()).token } }),
  'post /api/messages/{id}/regenerate': async () => ({ id: await endedReply() }),
  'get /api/tasks/{id}/tool-calls': async () => ({ id: (await freshTask()).taskId }),
  'post /api/tool-calls/{id}/approve': async () => ({
    id: await waitingCall(),
    body: { arguments: { column: 'Review' } },
  }),
  'post /api/tool-calls/{id}/deny': async () => ({ id: await waitingCall(), body: { reason: 'not now' } }),
};
async function anInvite() {
  const { boardId } = await freshTask();
  return (await http.post(`/api/boards/${boardId}/invites`, { role: 'editor' })).body.data as {
    id: string;
    token: string;
  };
}
async function aMember() {
  const { boardId } = await freshTask();
  const member = await signUp(t.url);
  await addMember(t.url, t.owner!, member, boardId);
  return { id: boardId, params: { userId: member.userId } };
}
const fill = (path: string, id: string | undefined, params: Record<string, string> = {}) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? (id ?? '') : (params[name] ?? '')));

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the shared schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
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

  it('documents every route Express mounts under /api', () => {
    const mounted = mountedRoutes(t.app!.app)
      .filter((r) => r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${toOpenApiPath(r.path)}`);
    expect(mounted.length).toBeGreaterThan(10);
    // Each route once: the order the routers are mounted in (app.ts, hot routes first) decides
    // nothing but how soon a route matches.
    expect(
      mounted.filter((r, i) => mounted.indexOf(r) !== i),
      'mounted twice',
    ).toEqual([]);
    const documented = new Set(operations().map((o) => o.key));
    const missing = mounted.filter((r) => !documented.has(r) && !UNDOCUMENTED.has(r) && !isAuthRoute(r));
    expect(missing, 'mounted but not documented').toEqual([]);
    // And the other way: each documented operation is a mounted route.
    const routed = new Set(mounted);
    expect(
      operations()
        .filter((o) => !routed.has(o.key))
        .map((o) => o.key),
      'documented, not mounted',
    ).toEqual([]);
  });

  it('every documented operation answers a valid call with a declared success', async () => {
    for (const { key, method, path, op } of operations()) {
      const example = EXAMPLES[key];
      expect(example, `no example call for ${key}`).toBeDefined();
      const { id, body, query, params } = await example!();
      const url = fill(path, id, params) + (query ? `?${query}` : '');
      const res = await http.call(method.toUpperCase(), url, body);
      expectDeclared(key, op, res);
      expect(res.status, `${key}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
  });

  it('every documented operation answers unknown ids and empty bodies with a declared problem', async () => {
    for (const { key, method, path, op } of operations()) {
      const hasBody = method !== 'get' && method !== 'delete';
      const res = await http.call(
        method.toUpperCase(),
        fill(path, randomUUID(), { userId: randomUUID(), token: 'no-such-token' }),
        hasBody ? {} : undefined,
      );
      expectDeclared(key, op, res);
      if (path.includes('{id}') || hasBody) expect(res.status, key).toBeGreaterThanOrEqual(400);
      expect(res.body?.detail ?? '', key).not.toMatch(/^no route/);
    }
    const missing = await http.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.detail).toMatch(/^no route/);
  });
});
