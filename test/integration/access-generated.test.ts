import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { connectSocket, startAgentApp, subscribe, waitForReply, type AgentApp } from '../support/agent-app';
import { api } from '../support/http';
import { signUp, type Session } from '../support/auth';

// Generated from the OpenAPI document: every operation that needs credentials answers 401 without
// them and 403/404 to a signed-in user who is not a member of the board, and neither changes a
// single row. The same for the socket events; shapes: access-shapes.test.ts.

let t: AgentApp;
let outsider: Session;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startAgentApp({ LLM_PROVIDER: 'demo', DEMO_TOKEN_MS: '0', SHAPE_LONG_POLL_MS: '500' });
  outsider = await signUp(t.url, { name: 'Outsider' });
  const board = await t.http.post('/api/boards', { name: 'Private board' });
  ids.board = board.body.data.id;
  ids.column = board.body.data.columns[0].id;
  const task = await t.http.post(`/api/boards/${ids.board}/tasks`, { columnId: ids.column, title: 'Secret' });
  ids.task = task.body.data.id;
  const posted = await t.http.post(`/api/tasks/${ids.task}/messages`, { content: 'hello' });
  ids.message = posted.body.data.assistant.id;
  await waitForReply(t.db, ids.message!);
  const invite = await t.http.post(`/api/boards/${ids.board}/invites`, { role: 'viewer' });
  ids.invite = invite.body.data.id;
  ids.token = invite.body.data.token;
  ids.userId = t.owner!.userId;
  ids.agent = (await t.http.get(`/api/boards/${ids.board}/agents`)).body.data[0].id;
  ids.label = (
    await t.http.post(`/api/boards/${ids.board}/labels`, { name: 'Secret', color: '#3b82f6' })
  ).body.data.id;
  // The demo model calls move_task for this; its default agent asks first for nothing, so the
  // call ran: a tool-call row the decision routes can be asked about (they answer 409 to members).
  const moved = await t.http.post(`/api/tasks/${ids.task}/messages`, { content: 'move this to Done' });
  await waitForReply(t.db, moved.body.data.assistant.id);
  ids.toolCall = (await t.http.get(`/api/tasks/${ids.task}/tool-calls`)).body.data[0].id;
  const key = await t.http.post('/api/api-keys', { name: 'ci' });
  ids.apiKey = key.body.data.id;
});
afterAll(async () => {
  await t?.close();
});

/** A fingerprint of every row of every table of ours (better-auth's, the app's). */
async function checksum(): Promise<string> {
  const { rows: tables } = await t.db.pool.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await t.db.pool.query<{ h: string | null }>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM ${name} x`,
    );
    parts.push(`${name}:${rows[0]!.h}`);
  }
  return parts.join(',');
}

// A body each write accepts from an allowed user, so a refusal is about access, not the input.
const BODIES: Record<string, unknown> = {
  'post /api/boards/{id}/columns': { name: 'Hacked' },
  'patch /api/boards/{id}': { name: 'Hacked' },
  'patch /api/columns/{id}': { name: 'Hacked' },
  'post /api/columns/{id}/move': { placement: { index: 0 } },
  'post /api/boards/{id}/tasks': () => ({ columnId: ids.column, title: 'Hacked' }),
  'patch /api/tasks/{id}': { title: 'Hacked' },
  'post /api/tasks/{id}/move': () => ({ columnId: ids.column }),
  'post /api/tasks/{id}/messages': { content: 'hi' },
  'patch /api/boards/{id}/members/{userId}': { role: 'viewer' },
  'post /api/boards/{id}/invites': { role: 'owner' },
  'post /api/boards': { name: 'Mine' },
  'post /api/boards/{id}/agents': { handle: 'hacked', name: 'Hacked' },
  'post /api/boards/{id}/labels': { name: 'Hacked', color: '#ef4444' },
  'post /api/messages/{id}/edit': { content: 'Hacked' },
  'patch /api/agents/{id}': { name: 'Hacked' },
  'patch /api/labels/{id}': { name: 'Hacked' },
  'post /api/api-keys': { name: 'mine' },
  'post /api/tool-calls/{id}/approve': {},
  'post /api/tool-calls/{id}/deny': { reason: 'no' },
};

// Which id a path's {id} means, by its first segment.
const ID_OF: Record<string, string> = {
  boards: 'board',
  columns: 'column',
  tasks: 'task',
  messages: 'message',
  invites: 'invite',
  agents: 'agent',
  labels: 'label',
  'api-keys': 'apiKey',
  'tool-calls': 'toolCall',
};

async function operations() {
  const doc = (await api(t.url, {}).get('/api/openapi.json')).body;
  const ops: { method: string; path: string; url: string; body?: unknown; key: string }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (Array.isArray(op.security) && op.security.length === 0) continue; // public
      const seg = path.split('/')[2]!;
      const url = path
        .replace('{id}', ids[ID_OF[seg]!]!)
        .replace('{userId}', ids.userId!)
        .replace('{token}', ids.token!);
      const key = `${method} ${path}`;
      const b = BODIES[key];
      ops.push({ method: method.toUpperCase(), path, url, key, body: typeof b === 'function' ? b() : b });
    }
  }
  return ops;
}

describe('every operation of the OpenAPI document', () => {
  it('declares both security schemes, and answers 401 without credentials, changing nothing', async () => {
    const doc = (await api(t.url, {}).get('/api/openapi.json')).body;
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['cookie', 'bearer']);
    expect(doc.security).toEqual([{ cookie: [] }, { bearer: [] }]);
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(20);
    const before = await checksum();
    const anon = api(t.url, {});
    for (const op of ops) {
      const res = await anon.call(op.method, op.url, op.body);
      expect(res.status, op.key).toBe(401);
      expect(res.headers.get('content-type'), op.key).toMatch(/application\/problem\+json/);
    }
    // A wrong API key is no credential either.
    for (const op of ops) {
      const res = await anon.call(op.method, op.url, op.body, { authorization: 'Bearer kb_wrong' });
      expect(res.status, op.key).toBe(401);
    }
    expect(await checksum()).toBe(before);
  });

  it('answers 404 (or 403) to a signed-in non-member on every board-scoped operation, changing nothing', async () => {
    // Not board-scoped: the caller's own boards and keys, search (over the caller's own boards:
    // search.test.ts); and accepting an invite, where the token is the permission
    // (accounts.test.ts).
    const own = [
      'post /api/boards',
      'get /api/boards',
      'post /api/api-keys',
      'get /api/api-keys',
      'get /api/search',
      'get /api/models', // the server's configuration, the same for everyone
    ];
    const ops = (await operations()).filter(
      (o) => !own.includes(o.key) && o.key !== 'post /api/invites/{token}/accept',
    );
    const before = await checksum();
    const as = api(t.url, outsider.headers);
    for (const op of ops) {
      const res = await as.call(op.method, op.url, op.body);
      expect([403, 404], `${op.key} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    // The outsider's own list shows nothing of the board.
    expect((await as.get('/api/boards')).body.data).toEqual([]);
    expect(await checksum()).toBe(before);
  });
});

describe('sockets', () => {
  it('refuse a handshake without credentials, and a foreign Origin', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { cookie: t.owner!.cookie, origin: 'https://evil.example' },
    ];
    for (const extraHeaders of attempts) {
      const s = connect(t.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders,
      });
      const err = await new Promise<Error & { data?: { status: number } }>((resolve) =>
        s.once('connect_error', resolve),
      );
      expect([401, 403]).toContain(err.data?.status);
      s.close();
    }
  });

  it('answer a non-member subscribing to a task as if it did not exist', async () => {
    const before = await checksum();
    const s = await connectSocket(t.url, { cookie: outsider.cookie });
    const ack = await subscribe(s, ids.task);
    expect(ack).toMatchObject({ ok: false, error: { status: 404 } });
    s.disconnect();
    expect(await checksum()).toBe(before);
  });
});
